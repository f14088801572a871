package io.quantedge.api.store;

import org.osgi.annotation.versioning.ConsumerType;

/** Whiteboard listener: every registered service of this type is told of each store event, in order. */
@ConsumerType
@FunctionalInterface
public interface ModelStoreListener {

    void modelStoreChanged(ModelStoreEvent event);
}
