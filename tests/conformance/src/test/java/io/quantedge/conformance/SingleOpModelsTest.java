package io.quantedge.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.onnx.OnnxModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every single-op model the project's scripts make, ours against ONNX Runtime on seeded random inputs. */
class SingleOpModelsTest {

    private static double worstFloatError;
    private static String worstFloatModel = "";

    static Stream<Path> models() throws IOException {
        try (Stream<Path> files = Files.list(Engines.MODELS.resolve("ops"))) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
            assertFalse(list.isEmpty(), "no single-op models under " + Engines.MODELS.resolve("ops"));
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void agreesWithOnnxRuntime(Path file) throws Exception {
        Graph graph = new OnnxModelLoader().load(file);
        try (Model model = Engines.scalar().load(file); OrtOracle ort = new OrtOracle(file)) {
            for (int batch : new int[] {1, 2}) {
                Map<String, Tensor> inputs = RandomInputs.forSpecs(model.inputs(), file.getFileName().toString().hashCode()
                        + batch, batch, ModelManifest.inputRanges(file));
                Map<String, Tensor> ours = model.run(inputs);
                Map<String, Tensor> theirs = ort.run(inputs);
                assertEquals(theirs.keySet(), ours.keySet());
                for (String name : ours.keySet()) {
                    Agreement agreement = Agreement.of(ours.get(name), theirs.get(name),
                            QuantizedOutputs.scaleOf(graph, name));
                    synchronized (SingleOpModelsTest.class) {
                        if (!agreement.integer() && agreement.worstRelativeError() > worstFloatError) {
                            worstFloatError = agreement.worstRelativeError();
                            worstFloatModel = file.getFileName() + " " + name + ": " + agreement;
                        }
                    }
                    assertTrue(agreement.acceptable(), file.getFileName() + " output " + name + ": " + agreement);
                }
                if (!model.inputs().stream().anyMatch(s -> s.isDynamic())) {
                    break; // fixed shapes: one run is the whole story
                }
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("single-op models: worst float relative error %.2e (%s)%n", worstFloatError, worstFloatModel);
    }
}
