package io.quantedge.api.modelpackage;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Inputs with the outputs the model must give for them, as .npy files in the package. A gateway
 * runs each case after installing the model and accepts it when every output element is within
 * {@code tolerance} (absolute) of the expected one.
 */
public record TestVectors(double tolerance, List<TestCase> cases) {

    /** One run: package paths of .npy files, by input name and by output name. */
    public record TestCase(Map<String, String> inputs, Map<String, String> outputs) {
        public TestCase {
            inputs = Map.copyOf(inputs);
            outputs = Map.copyOf(outputs);
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException("a test case needs at least one expected output");
            }
        }
    }

    public TestVectors {
        cases = List.copyOf(cases);
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a number of at least 0, got " + tolerance);
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("test vectors need at least one case");
        }
        cases.forEach(c -> Objects.requireNonNull(c, "case"));
    }
}
