package io.quantedge.api.modelpackage;

import java.util.Objects;
import java.util.Optional;

/**
 * A model output as the package describes it: its name in the model, how it becomes a result, and
 * the package path of its labels file (UTF-8, one label per line, in class order), if it has one.
 */
public record OutputSpec(String name, Optional<Postprocessing> postprocessing, Optional<String> labels) {

    public OutputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(postprocessing, "postprocessing");
        Objects.requireNonNull(labels, "labels");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an output needs a name");
        }
    }
}
