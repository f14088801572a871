package io.quantedge.pipeline;

import java.util.Objects;

/**
 * A pipeline's counters since it started (frames received, run, dropped by the queue, arrived
 * while the model was not served, refused as bad, failed in the model, results published), and its recent latencies (end to end: from the frame's
 * arrival to its result; and of the model run alone), in milliseconds, NaN before the first result.
 */
record PipelineSnapshot(String name, String sensor, String model, String modelVersion, long received, long processed,
                        long dropped, long unserved, long badFrames, long errors, long published, int queueDepth, int queueCapacity,
                        double latencyP50Ms, double latencyP99Ms, double modelP50Ms, double modelP99Ms,
                        long labelled, long correct, long modelBytes) {

    PipelineSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "modelVersion");
    }

    /** Share of labelled frames whose top class was their label; NaN when none was labelled. */
    double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}
