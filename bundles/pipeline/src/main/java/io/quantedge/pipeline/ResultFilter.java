package io.quantedge.pipeline;

import io.quantedge.api.result.Detection;
import io.quantedge.api.result.InferenceResult;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Decides which results are published, so a camera watching a still scene does not flood the
 * broker: every result; only a change (the top class, the set of detected labels, or whether the
 * anomaly score is over its threshold differs from the last published result); or only a finding
 * (a class at or above the threshold, a detection, an anomaly score at or above the threshold).
 * Used by one worker thread.
 */
final class ResultFilter {

    enum Mode { EVERY, CHANGE, FINDING }

    private final Mode mode;
    private final double anomalyThreshold;
    private String lastKey;

    ResultFilter(Mode mode, double anomalyThreshold) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.anomalyThreshold = anomalyThreshold;
    }

    boolean publish(InferenceResult result) {
        return switch (mode) {
            case EVERY -> true;
            case FINDING -> !result.classes().isEmpty() || !result.detections().isEmpty()
                    || (result.anomalyScore().isPresent() && result.anomalyScore().getAsDouble() >= anomalyThreshold);
            case CHANGE -> {
                String key = key(result);
                boolean changed = !key.equals(lastKey);
                lastKey = key;
                yield changed;
            }
        };
    }

    private String key(InferenceResult result) {
        if (!result.detections().isEmpty()) {
            TreeSet<String> labels = new TreeSet<>();
            for (Detection d : result.detections()) {
                labels.add(d.label());
            }
            return "detections:" + labels;
        }
        if (!result.classes().isEmpty()) {
            return "class:" + result.classes().get(0).label();
        }
        if (result.anomalyScore().isPresent()) {
            return "anomaly:" + (result.anomalyScore().getAsDouble() >= anomalyThreshold);
        }
        return "nothing";
    }
}
