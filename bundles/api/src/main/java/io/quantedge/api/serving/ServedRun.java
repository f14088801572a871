package io.quantedge.api.serving;

import io.quantedge.api.tensor.Tensor;
import java.util.Map;
import java.util.Objects;

/** The outputs of one run, with the version that computed them and how long it took. */
public record ServedRun(Map<String, Tensor> outputs, String model, String version, double latencyMs) {

    public ServedRun {
        outputs = Map.copyOf(outputs);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
    }
}
