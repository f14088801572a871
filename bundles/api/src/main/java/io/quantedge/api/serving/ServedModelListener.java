package io.quantedge.api.serving;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told what a name serves whenever that changes: a model served for the first time (at start, or
 * its first deployment), a new version swapped in for its health window, the previous one swapped
 * back, a rollback. A listener registered later is told every model served at that moment. Calls
 * come one at a time, on the thread that made the change, so a listener returns quickly.
 */
@ConsumerType
public interface ServedModelListener {

    void served(ServedModel model);
}
