package io.quantedge.api.modelpackage;

import java.util.Objects;
import java.util.Optional;

/** A model input as the package describes it: its name in the model, and how frames become it, if they do. */
public record InputSpec(String name, Optional<Preprocessing> preprocessing) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an input needs a name");
        }
    }
}
