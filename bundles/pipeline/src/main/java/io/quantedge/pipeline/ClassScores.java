package io.quantedge.pipeline;

import io.quantedge.api.result.ClassScore;
import java.util.ArrayList;
import java.util.List;

/**
 * A classifier's output as its best classes: probabilities (softmax of the output when it holds
 * logits), the {@code topK} highest at or above {@code threshold}, best first, with their labels.
 * Reuses its buffers; one instance per pipeline worker.
 */
final class ClassScores {

    /** When the output is turned into probabilities with a softmax. */
    enum Softmax {
        /** When the output is not already a distribution (a value outside [0, 1], or a sum other than 1). */
        AUTO,
        ALWAYS,
        NEVER
    }

    private static final double SUM_TOLERANCE = 1e-3;

    private final int topK;
    private final double threshold;
    private final Softmax softmax;
    private final List<String> labels;
    private float[] probabilities = new float[0];
    private final int[] best;

    ClassScores(int topK, double threshold, Softmax softmax, List<String> labels) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        this.topK = topK;
        this.threshold = threshold;
        this.softmax = softmax;
        this.labels = List.copyOf(labels);
        this.best = new int[topK];
    }

    /** The best classes of {@code scores[0..count)}, best first; labels beyond the list are the class index. */
    List<ClassScore> top(float[] scores, int count) {
        if (probabilities.length < count) {
            probabilities = new float[count];
        }
        boolean convert = switch (softmax) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> !isDistribution(scores, count);
        };
        if (convert) {
            softmax(scores, count, probabilities);
        } else {
            System.arraycopy(scores, 0, probabilities, 0, count);
        }
        int kept = 0;
        for (int i = 0; i < count; i++) {
            float p = probabilities[i];
            if (p < threshold || Float.isNaN(p)) {
                continue;
            }
            // Insertion into the short sorted list of the best so far; ties keep the lower index first.
            int at;
            if (kept < topK) {
                at = kept++;
            } else if (p > probabilities[best[topK - 1]]) {
                at = topK - 1;
            } else {
                continue;
            }
            while (at > 0 && probabilities[best[at - 1]] < p) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        List<ClassScore> result = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            result.add(new ClassScore(label(best[i]), probabilities[best[i]]));
        }
        return result;
    }

    String label(int index) {
        return index < labels.size() ? labels.get(index) : Integer.toString(index);
    }

    static boolean isDistribution(float[] scores, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float v = scores[i];
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) <= SUM_TOLERANCE;
    }

    /** Softmax of {@code in[0..count)} into {@code out}, shifted by the maximum so no exponent overflows. */
    static void softmax(float[] in, int count, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, in[i]);
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double e = Math.exp(in[i] - max);
            out[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < count; i++) {
            out[i] = (float) (out[i] / sum);
        }
    }
}
