package io.quantedge.api.result;

import java.util.Objects;

/** One detected object: label, score and box corners in pixels of the original frame. */
public record Detection(String label, float score, float x1, float y1, float x2, float y2) {

    public Detection {
        Objects.requireNonNull(label, "label");
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException("box corners out of order: " + x1 + "," + y1 + " " + x2 + "," + y2);
        }
    }
}
