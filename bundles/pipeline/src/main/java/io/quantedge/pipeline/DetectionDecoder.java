package io.quantedge.pipeline;

import io.quantedge.api.result.Detection;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a detector's output into detections with per-class non-maximum suppression. The output
 * format is one row of six values per candidate box, {@code x1, y1, x2, y2, score, class}, with the
 * corners normalised to [0, 1] of the model input (the shape [N, 6] or [1, N, 6]); the corners are
 * mapped back to pixels of the original frame, undoing the letterbox or crop. Reuses its buffers;
 * one instance per pipeline worker.
 */
final class DetectionDecoder {

    static final int ROW = 6;

    /** Maps a point in model-input pixels back to frame pixels. */
    interface FrameMapping {
        /** For outputs not computed from an image: coordinates stay as they are. */
        FrameMapping IDENTITY = new FrameMapping() {
            @Override
            public float x(float inputX) {
                return inputX;
            }

            @Override
            public float y(float inputY) {
                return inputY;
            }
        };

        float x(float inputX);

        float y(float inputY);
    }

    private final double scoreThreshold;
    private final double iouThreshold;
    private final int maxDetections;
    private final ClassScores names;
    private int[] order = new int[0];
    private boolean[] suppressed = new boolean[0];

    DetectionDecoder(double scoreThreshold, double iouThreshold, int maxDetections, List<String> labels) {
        if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("iouThreshold must be between 0 and 1, got " + iouThreshold);
        }
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
        this.maxDetections = maxDetections;
        this.names = new ClassScores(1, 0, ClassScores.Softmax.NEVER, labels);
    }

    /**
     * The detections in {@code rows[0..count*6)}, best first: those scoring at least the threshold,
     * none overlapping a better one of its class by more than the IoU threshold.
     */
    List<Detection> decode(float[] rows, int count, int inputWidth, int inputHeight, FrameMapping mapping) {
        if (order.length < count) {
            order = new int[count];
            suppressed = new boolean[count];
        }
        int candidates = 0;
        for (int i = 0; i < count; i++) {
            float score = rows[i * ROW + 4];
            if (score >= scoreThreshold && !Float.isNaN(score) && validBox(rows, i)) {
                order[candidates++] = i;
            }
        }
        sortByScore(rows, candidates);
        List<Detection> kept = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            suppressed[i] = false;
        }
        for (int i = 0; i < candidates && kept.size() < maxDetections; i++) {
            if (suppressed[i]) {
                continue;
            }
            int a = order[i];
            for (int j = i + 1; j < candidates; j++) {
                int b = order[j];
                if (!suppressed[j] && rows[a * ROW + 5] == rows[b * ROW + 5] && iou(rows, a, b) > iouThreshold) {
                    suppressed[j] = true;
                }
            }
            int base = a * ROW;
            kept.add(new Detection(names.label((int) rows[base + 5]), rows[base + 4],
                    mapping.x(rows[base] * inputWidth), mapping.y(rows[base + 1] * inputHeight),
                    mapping.x(rows[base + 2] * inputWidth), mapping.y(rows[base + 3] * inputHeight)));
        }
        return kept;
    }

    private static boolean validBox(float[] rows, int i) {
        int base = i * ROW;
        return rows[base + 2] >= rows[base] && rows[base + 3] >= rows[base + 1] && rows[base + 5] >= 0;
    }

    /** Insertion sort of order[0..n) by descending score, stable: candidates are few after the threshold. */
    private void sortByScore(float[] rows, int n) {
        for (int i = 1; i < n; i++) {
            int item = order[i];
            float score = rows[item * ROW + 4];
            int j = i - 1;
            while (j >= 0 && rows[order[j] * ROW + 4] < score) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = item;
        }
    }

    static float iou(float[] rows, int a, int b) {
        int p = a * ROW;
        int q = b * ROW;
        float ix = Math.min(rows[p + 2], rows[q + 2]) - Math.max(rows[p], rows[q]);
        float iy = Math.min(rows[p + 3], rows[q + 3]) - Math.max(rows[p + 1], rows[q + 1]);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        float intersection = ix * iy;
        float union = (rows[p + 2] - rows[p]) * (rows[p + 3] - rows[p + 1])
                + (rows[q + 2] - rows[q]) * (rows[q + 3] - rows[q + 1]) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
