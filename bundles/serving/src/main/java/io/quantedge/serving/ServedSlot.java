package io.quantedge.serving;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.serving.ServedRun;
import io.quantedge.api.tensor.Tensor;
import java.util.Map;

/**
 * One model name and the version behind it. Swapping is one reference write; a run that picked
 * up the old version just before a swap and finds it closed is run again on the new one, so a
 * swap never fails a request.
 */
final class ServedSlot {

    /** A loaded version and what is said about it. */
    record Active(Model model, ServedModel info) {
    }

    private volatile Active current;
    private volatile HealthWindow watching;

    ServedSlot(Active first) {
        this.current = first;
    }

    Active current() {
        return current;
    }

    /** Puts {@code next} in place and returns what it replaced (still open: the caller closes it). */
    synchronized Active swap(Active next) {
        Active previous = current;
        current = next;
        return previous;
    }

    void watch(HealthWindow window) {
        watching = window;
    }

    void stopWatching() {
        watching = null;
    }

    ServedRun run(Map<String, Tensor> inputs) throws InferenceException {
        while (true) {
            Active active = current;
            long started = System.nanoTime();
            try {
                Map<String, Tensor> outputs = active.model().run(inputs);
                double latencyMs = (System.nanoTime() - started) / 1e6;
                record(active, true, latencyMs);
                return new ServedRun(outputs, active.info().name(), active.info().version(), latencyMs);
            } catch (InferenceException e) {
                if (e.code() == InferenceException.Code.CLOSED && current != active) {
                    continue; // swapped away under us: the new version takes the run
                }
                record(active, false, (System.nanoTime() - started) / 1e6);
                throw e;
            } catch (RuntimeException e) {
                record(active, false, (System.nanoTime() - started) / 1e6);
                throw e;
            }
        }
    }

    private void record(Active active, boolean succeeded, double latencyMs) {
        HealthWindow window = watching;
        if (window != null && active == current) {
            window.record(succeeded, latencyMs);
        }
    }
}
