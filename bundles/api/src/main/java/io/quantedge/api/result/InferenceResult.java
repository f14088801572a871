package io.quantedge.api.result;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one inference on one frame produced, with where it came from. A classifier fills
 * {@code classes}, a detector {@code detections}, an anomaly model {@code anomalyScore}.
 */
public record InferenceResult(String gateway, String pipeline, String sensor, long frame, Instant timestamp,
                              String model, String modelVersion, double latencyMs, String backend,
                              List<Detection> detections, List<ClassScore> classes, OptionalDouble anomalyScore) {

    public InferenceResult {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(backend, "backend");
        detections = List.copyOf(detections);
        classes = List.copyOf(classes);
        Objects.requireNonNull(anomalyScore, "anomalyScore");
    }
}
