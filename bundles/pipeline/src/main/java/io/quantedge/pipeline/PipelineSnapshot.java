package io.quantedge.pipeline;

import io.quantedge.api.sensor.SensorStatistics;
import java.util.Objects;

/**
 * A pipeline's counters since it started (frames received, run, dropped by the queue, arrived
 * while the model was not served, refused as bad, failed in the model, results published), what its sensor counted, and its recent latencies (end to end: from the frame's
 * arrival to its result; and of the model run alone), in milliseconds, NaN before the first result.
 */
record PipelineSnapshot(String name, String sensor, String model, String modelVersion, long received, long processed,
                        long dropped, long unserved, long badFrames, long errors, long published, int queueDepth, int queueCapacity,
                        double latencyP50Ms, double latencyP99Ms, double modelP50Ms, double modelP99Ms,
                        long labelled, long correct, long modelBytes, SensorStatistics sensorStatistics) {

    PipelineSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(sensorStatistics, "sensorStatistics");
    }

    /** This snapshot with what the sensor itself counted (its rejected inputs never reach the queue). */
    PipelineSnapshot withSensor(SensorStatistics statistics) {
        return new PipelineSnapshot(name, sensor, model, modelVersion, received, processed, dropped, unserved,
                badFrames, errors, published, queueDepth, queueCapacity, latencyP50Ms, latencyP99Ms, modelP50Ms,
                modelP99Ms, labelled, correct, modelBytes, statistics);
    }

    /** Share of labelled frames whose top class was their label; NaN when none was labelled. */
    double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
}
