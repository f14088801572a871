package io.quantedge.api.result;

import java.util.Objects;

/** One class of a classifier's top-k, with its probability or score. */
public record ClassScore(String label, float score) {

    public ClassScore {
        Objects.requireNonNull(label, "label");
    }
}
