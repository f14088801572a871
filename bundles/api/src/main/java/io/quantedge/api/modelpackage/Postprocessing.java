package io.quantedge.api.modelpackage;

import java.util.Objects;

/**
 * What an output means and how it becomes a result: the {@code topK} best classes of a
 * classifier, detections scoring at least {@code scoreThreshold} after non-maximum suppression at
 * {@code iouThreshold}, or an anomaly score compared with {@code scoreThreshold}.
 */
public record Postprocessing(Kind kind, int topK, double scoreThreshold, double iouThreshold) {

    public enum Kind { CLASSIFICATION, DETECTION, ANOMALY }

    public static final int DEFAULT_TOP_K = 5;
    public static final double DEFAULT_SCORE_THRESHOLD = 0.0;
    public static final double DEFAULT_IOU_THRESHOLD = 0.5;

    public Postprocessing {
        Objects.requireNonNull(kind, "kind");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        if (!Double.isFinite(scoreThreshold)) {
            throw new IllegalArgumentException("scoreThreshold must be a number");
        }
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("iouThreshold must be between 0 and 1, got " + iouThreshold);
        }
    }

    /** {@code kind} with the default top-k and thresholds. */
    public static Postprocessing of(Kind kind) {
        return new Postprocessing(kind, DEFAULT_TOP_K, DEFAULT_SCORE_THRESHOLD, DEFAULT_IOU_THRESHOLD);
    }
}
