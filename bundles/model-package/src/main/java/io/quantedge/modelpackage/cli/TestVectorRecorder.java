package io.quantedge.modelpackage.cli;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.npy.NpyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Records a package's test vectors: runs the model once on seeded random inputs and writes the
 * inputs and the outputs it gave as .npy files, named by position ({@code test-vectors/input-0.npy},
 * {@code test-vectors/output-0.npy}), since tensor names may hold any character.
 */
final class TestVectorRecorder {

    static final String FOLDER = "test-vectors";

    /** The recorded vectors, and the local file behind each package path they name. */
    record Recorded(TestVectors vectors, Map<String, Path> files) {
    }

    private TestVectorRecorder() {
    }

    static Recorded record(Model model, long seed, double tolerance, Path directory)
            throws InferenceException, IOException {
        Random random = new Random(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.inputs()) {
            inputs.put(spec.name(), seeded(spec, random));
        }
        Map<String, Tensor> outputs = model.run(inputs);

        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, String> inputPaths = save("input", model.inputs(), inputs, directory, files);
        Map<String, String> outputPaths = save("output", model.outputs(), outputs, directory, files);
        TestVectors vectors = new TestVectors(tolerance, List.of(new TestVectors.TestCase(inputPaths, outputPaths)));
        return new Recorded(vectors, files);
    }

    private static Map<String, String> save(String kind, List<TensorSpec> specs, Map<String, Tensor> tensors,
                                            Path directory, Map<String, Path> files) throws IOException {
        Map<String, String> paths = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            String path = FOLDER + "/" + kind + "-" + i + ".npy";
            Path file = directory.resolve(kind + "-" + i + ".npy");
            NpyFile.write(file, tensors.get(specs.get(i).name()));
            paths.put(specs.get(i).name(), path);
            files.put(path, file);
        }
        return paths;
    }

    /**
     * A repeatable input: Gaussian floats; for integer inputs, which are often indices or token
     * ids, zeros and ones, always in range; dynamic dimensions are taken as 1.
     */
    static Tensor seeded(TensorSpec spec, Random random) {
        Shape shape = Shape.of(spec.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray());
        int count = Math.toIntExact(shape.elementCount());
        switch (spec.type()) {
            case FP32 -> {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                return Tensor.ofFloats(shape, values);
            }
            case INT64 -> {
                return Tensor.ofLongs(shape, random.longs(count, 0, 2).toArray());
            }
            case INT32 -> {
                return Tensor.ofInts(shape, random.ints(count, 0, 2).toArray());
            }
            case INT8, UINT8, BOOL -> {
                byte[] values = new byte[count];
                for (int i = 0; i < count; i++) {
                    values[i] = (byte) random.nextInt(2);
                }
                return Tensor.ofBytes(spec.type(), shape, values);
            }
            default -> throw new IllegalArgumentException("no test vector input of type " + spec.type() + " for '"
                    + spec.name() + "'; package the model without --test-vectors");
        }
    }
}
