package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.graph.FakeQuantWeightFolding;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch QAT export (tests/models/cnn_qat.onnx: float weights fake-quantized at every run, per
 * channel, int8 zero points) with its weights stored as int8.
 */
class FakeQuantWeightFoldingTest {

    @TempDir
    Path dir;

    @Test
    void qatWeightsBecomeInt8AndTheModelComputesTheSame() throws Exception {
        Engine engine = FashionData.engine();
        Graph qat = FashionData.load(FashionData.MODELS.resolve("cnn_qat.onnx"));
        FakeQuantWeightFolding.Result folded = FakeQuantWeightFolding.apply(qat);

        assertEquals(Set.of("net.conv1.weight", "net.conv2.weight", "net.fc1.weight", "net.fc2.weight"),
                Set.copyOf(folded.foldedWeights()), "the four fake-quantized weights");
        Graph graph = folded.graph();
        for (Node node : graph.nodes()) {
            if (node.opType().equals("QuantizeLinear")) {
                assertTrue(!graph.initializers().containsKey(node.inputs().get(0)),
                        "no QuantizeLinear left on a constant: " + node);
            }
        }
        assertEquals(qat.nodes().size() - 4, graph.nodes().size(), "only the weights' QuantizeLinear nodes went");
        long int8Weights = graph.initializers().values().stream().filter(t -> t.type() == DataType.INT8)
                .mapToLong(Tensor::elementCount).sum();
        assertTrue(int8Weights > 100_000, "the weights are stored as int8: " + int8Weights);
        double ratio = (double) qat.initializerBytes() / graph.initializerBytes();
        assertTrue(ratio >= 3.5, "the file's weights shrink about fourfold (biases stay float): " + ratio);

        Path file = dir.resolve("cnn_qat_int8.onnx");
        OnnxModelWriter.write(graph, file);
        Tensor test = FashionData.testImages();
        float[] before;
        float[] after;
        try (Model original = engine.load(qat, "qat"); Model stored = engine.load(file)) {
            before = Evaluator.outputs(original, "input", test, 100, n -> { });
            after = Evaluator.outputs(stored, "input", test, 100, n -> { });
        }
        // Quantizing a weight once at load or at every run is the same arithmetic.
        assertArrayEquals(before, after, "the same logits as the fake-quantized model");
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("input", test).toFloatArray();
        }
        assertTrue(Comparison.agreement(Comparison.top1(ort, 10), Comparison.top1(after, 10)) >= 0.998,
                "ONNX Runtime runs the stored-int8 model to the same predictions");
    }

    @Test
    void aFloatModelIsLeftAsItIs() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        FakeQuantWeightFolding.Result result = FakeQuantWeightFolding.apply(fp32);
        assertTrue(result.foldedWeights().isEmpty());
        assertSame(fp32, result.graph());
    }
}
