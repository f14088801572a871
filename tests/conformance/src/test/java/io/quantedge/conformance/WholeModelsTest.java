package io.quantedge.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The project's whole test models, ours against ONNX Runtime on the same inputs. Integer results
 * (and float outputs of DequantizeLinear, compared in quantization steps) must meet the integer
 * bar. Float results must be within 1e-4, or, where ONNX Runtime's optimised and unoptimised
 * graphs already disagree by more than that (float32 rounding in a deep network), within twice
 * that disagreement, measured in the same run: two float32 implementations each some distance
 * from the exact result can be twice that distance apart.
 */
class WholeModelsTest {

    static final String[] BACKENDS = {"scalar", "vector", "native"};

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cnnForms() {
        return java.util.Arrays.stream(BACKENDS).flatMap(backend -> java.util.stream.Stream.of(
                "cnn_fp32.onnx", "cnn_fp32_folded.onnx", "cnn_qdq_per_tensor.onnx", "cnn_qdq_per_channel.onnx",
                "cnn_qat.onnx", "cnn_qoperator.onnx", "cnn_dynamic.onnx")
                .map(model -> org.junit.jupiter.params.provider.Arguments.of(backend, model)));
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> otherModels() {
        return java.util.Arrays.stream(BACKENDS).flatMap(backend -> java.util.stream.Stream.of(
                "mobilenetv2_like.onnx", "mobilenetv2_like_qdq.onnx", "transformer_block_nbits.onnx",
                "transformer_block_nbits_zp.onnx", "transformer_block_nbits_int8.onnx")
                .map(model -> org.junit.jupiter.params.provider.Arguments.of(backend, model)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @org.junit.jupiter.params.provider.MethodSource("cnnForms")
    void theTrainedCnnAgreesOnRealTestImages(String backend, String name) throws Exception {
        TestImages images = TestImages.load();
        compare(backend, Engines.MODELS.resolve(name), Map.of("input", images.batch(0, 64)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @org.junit.jupiter.params.provider.MethodSource("otherModels")
    void otherModelsAgreeOnSeededRandomInputs(String backend, String name) throws Exception {
        Path file = Engines.MODELS.resolve(name);
        try (Model model = Engines.scalar().load(file)) {
            compare(backend, file, RandomInputs.forSpecs(model.inputs(), 42, 1));
        }
    }

    private static void compare(String backend, Path file, Map<String, Tensor> inputs) throws Exception {
        Graph graph = new OnnxModelLoader().load(file);
        try (Model model = Engines.on(backend).load(file); OrtOracle ort = new OrtOracle(file);
             OrtOracle ortAsWritten = new OrtOracle(file, false)) {
            Map<String, Tensor> ours = model.run(inputs);
            Map<String, Tensor> theirs = ort.run(inputs);
            Map<String, Tensor> theirsAsWritten = ortAsWritten.run(inputs);
            for (String output : theirs.keySet()) {
                double scale = QuantizedOutputs.scaleOf(graph, output);
                Agreement agreement = Agreement.of(ours.get(output), theirs.get(output), scale);
                if (agreement.integer()) {
                    System.out.println(file.getFileName() + " on " + backend + " " + output + ": " + agreement);
                    assertTrue(agreement.acceptable(), file.getFileName() + " output " + output + ": " + agreement);
                } else {
                    double self = Agreement.of(theirsAsWritten.get(output), theirs.get(output), 0).worstRelativeError();
                    double bound = Math.max(1e-4, 2 * self);
                    System.out.printf("%s on %s %s: %s; ONNX Runtime against itself %.2e; bound %.2e%n",
                            file.getFileName(), backend, output, agreement, self, bound);
                    assertTrue(agreement.worstRelativeError() <= bound, file.getFileName() + " output " + output + ": "
                            + agreement + ", bound " + bound);
                }
            }
        }
    }
}
