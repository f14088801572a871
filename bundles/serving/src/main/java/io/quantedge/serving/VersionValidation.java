package io.quantedge.serving;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.modelpackage.TestVectors.TestCase;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.inputs.SeededInputs;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.engine.npy.NpyFormatException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a loaded version does what its package promises: every test case's outputs within the
 * tolerance, or, for a package without test vectors, one run on seeded inputs giving finite
 * outputs. Returns why it does not, or empty.
 */
final class VersionValidation {

    private static final long SMOKE_SEED = 17;

    private VersionValidation() {
    }

    static Optional<String> problems(Model model, VerifiedPackage contents) {
        Optional<TestVectors> vectors = contents.manifest().testVectors();
        try {
            if (vectors.isEmpty()) {
                return smokeRun(model);
            }
            int index = 0;
            for (TestCase testCase : vectors.get().cases()) {
                Optional<String> problem = check(model, contents, testCase, vectors.get().tolerance());
                if (problem.isPresent()) {
                    return Optional.of("test case " + index + ": " + problem.get());
                }
                index++;
            }
            return Optional.empty();
        } catch (InferenceException e) {
            return Optional.of("the model failed to run: " + e.getMessage());
        } catch (IOException | NpyFormatException e) {
            return Optional.of("a test vector cannot be read: " + e.getMessage());
        }
    }

    private static Optional<String> check(Model model, VerifiedPackage contents, TestCase testCase, double tolerance)
            throws InferenceException, IOException, NpyFormatException {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> input : testCase.inputs().entrySet()) {
            inputs.put(input.getKey(), NpyFile.read(contents.file(input.getValue())));
        }
        Map<String, Tensor> outputs = model.run(inputs);
        for (Map.Entry<String, String> expected : testCase.outputs().entrySet()) {
            Tensor want = NpyFile.read(contents.file(expected.getValue()));
            Tensor got = outputs.get(expected.getKey());
            if (got == null) {
                return Optional.of("no output '" + expected.getKey() + "'");
            }
            if (!got.shape().equals(want.shape())) {
                return Optional.of("output '" + expected.getKey() + "' has shape " + got.shape() + ", expected "
                        + want.shape());
            }
            for (long i = 0; i < want.elementCount(); i++) {
                double difference = Math.abs(value(got, i) - value(want, i));
                if (!(difference <= tolerance)) {
                    return Optional.of(String.format("output '%s' element %d is %s, expected %s (tolerance %s)",
                            expected.getKey(), i, value(got, i), value(want, i), tolerance));
                }
            }
        }
        return Optional.empty();
    }

    private static double value(Tensor tensor, long index) {
        return tensor.type() == DataType.FP32 || tensor.type() == DataType.FP16 ? tensor.floatAt(index)
                : tensor.integerAt(index);
    }

    private static Optional<String> smokeRun(Model model) throws InferenceException {
        Map<String, Tensor> outputs = model.run(SeededInputs.forSpecs(model.inputs(), SMOKE_SEED));
        for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
            Tensor tensor = output.getValue();
            if (tensor.type() == DataType.FP32) {
                for (float value : tensor.toFloatArray()) {
                    if (!Float.isFinite(value)) {
                        return Optional.of("output '" + output.getKey() + "' is not finite on seeded inputs");
                    }
                }
            }
        }
        return Optional.empty();
    }
}
