package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.BlockwiseWeightOnly.Format;
import io.quantedge.quantize.BlockwiseWeightOnly.Rounding;
import io.quantedge.quantize.blockwise.BlockQuantizer;
import io.quantedge.quantize.eval.Comparison;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The rewrite on a small graph with the cases the real models have and some they do not: a MatMul
 * on a 3-D input with K = 40 (a short last block) followed by an Add, a ReduceMean with its axes
 * as an attribute (opset 17), a Gemm with transB, alpha, beta and a bias, and a Conv. Run by our
 * engine and by ONNX Runtime, both against {@code x W'} computed here from the rounded weights.
 */
class BlockwiseWeightOnlyTest {

    private static final int K1 = 40;
    private static final int N1 = 16;
    private static final int N2 = 8;

    @TempDir
    Path dir;

    static Graph model(int opset) {
        Random random = new Random(5);
        List<Node> nodes = List.of(
                new Node("conv", "", "Conv", List.of("image", "kernel"), List.of("features"), Map.of()),
                new Node("flat", "", "Reshape", List.of("features", "tokens_shape"), List.of("x"), Map.of()),
                new Node("fc1", "", "MatMul", List.of("x", "w1"), List.of("h"), Map.of()),
                new Node("fc1_bias", "", "Add", List.of("h", "b1"), List.of("hb"), Map.of()),
                new Node("pool", "", "ReduceMean", List.of("hb"), List.of("pooled"),
                        Map.of("axes", Attribute.ofInts(1), "keepdims", Attribute.ofInt(0))),
                new Node("fc2", "", "Gemm", List.of("pooled", "w2", "c2"), List.of("y"),
                        Map.of("transB", Attribute.ofInt(1), "alpha", Attribute.ofFloat(0.5f),
                                "beta", Attribute.ofFloat(2f))));
        Map<String, Tensor> initializers = Map.of(
                "kernel", Tensor.ofFloats(Shape.of(3, 1, 1, 1), 1f, -0.5f, 2f),
                "tokens_shape", Tensor.ofLongs(Shape.of(3), 0, 3, K1),
                "w1", Tensor.ofFloats(Shape.of(K1, N1), gaussian(K1 * N1, random, 0.3)),
                "b1", Tensor.ofFloats(Shape.of(N1), gaussian(N1, random, 0.1)),
                "w2", Tensor.ofFloats(Shape.of(N2, N1), gaussian(N2 * N1, random, 0.3)),
                "c2", Tensor.ofFloats(Shape.of(N2), gaussian(N2, random, 0.1)));
        return new Graph("small", Map.of("", opset),
                List.of(new TensorSpec("image", DataType.FP32, List.of(-1, 1, 1, K1), List.of("batch", "", "", ""))),
                List.of(new TensorSpec("y", DataType.FP32, List.of(-1, N2), List.of("batch", ""))),
                initializers, nodes, Map.of());
    }

    /** y computed in double from the image with the weights as the scheme rounds them. */
    static float[] expected(Graph graph, float[] image, int batch, Format format, int block) {
        float[] w1 = graph.initializers().get("w1").toFloatArray();
        float[] b1 = graph.initializers().get("b1").toFloatArray();
        float[] w2 = graph.initializers().get("w2").toFloatArray();
        float[] c2 = graph.initializers().get("c2").toFloatArray();
        float[] k = graph.initializers().get("kernel").toFloatArray();
        float[] q1 = BlockQuantizer.nearest(w1, K1, N1, block, format.grid()).dequantized();
        float[] w2t = new float[N1 * N2];
        for (int i = 0; i < N1; i++) {
            for (int j = 0; j < N2; j++) {
                w2t[i * N2 + j] = 0.5f * w2[j * N1 + i];
            }
        }
        float[] q2 = BlockQuantizer.nearest(w2t, N1, N2, block, format.grid()).dequantized();
        float[] y = new float[batch * N2];
        for (int b = 0; b < batch; b++) {
            double[] pooled = new double[N1];
            for (int t = 0; t < 3; t++) {
                for (int j = 0; j < N1; j++) {
                    double sum = b1[j];
                    for (int i = 0; i < K1; i++) {
                        sum += image[b * K1 + i] * k[t] * q1[i * N1 + j];
                    }
                    pooled[j] += sum / 3;
                }
            }
            for (int j = 0; j < N2; j++) {
                double sum = 2 * c2[j];
                for (int i = 0; i < N1; i++) {
                    sum += pooled[i] * q2[i * N2 + j];
                }
                y[b * N2 + j] = (float) sum;
            }
        }
        return y;
    }

    @ParameterizedTest(name = "{0} block {1} accuracy level {2}")
    @CsvSource({"W4, 32, 0", "W4, 64, 4", "NF4, 32, 0", "NF4, 128, 0"})
    void quantizedGraphComputesWithTheRoundedWeightsInBothRuntimes(Format format, int block, int accuracyLevel)
            throws Exception {
        Graph fp32 = model(17);
        BlockwiseWeightOnly scheme = new BlockwiseWeightOnly(format, block, accuracyLevel, Rounding.NEAREST);
        Scheme.Quantized quantized = scheme.quantize(fp32, Map.of(), Map.of());
        Graph graph = quantized.graph();
        assertEquals(List.of("fc1", "fc2"), quantized.layers().stream().map(Scheme.Layer::node).toList());
        assertTrue(quantized.notes().contains("Conv 'conv' left in float: weight-only 4-bit covers MatMul and Gemm"),
                quantized.notes().toString());
        assertEquals(fp32.inputs(), graph.inputs());
        assertEquals(fp32.outputs(), graph.outputs());
        assertFalse(graph.initializers().containsKey("w1"), "the float weights are gone");
        if (format == Format.W4) {
            assertEquals(2, graph.nodes().stream().filter(n -> n.opType().equals("MatMulNBits")).count());
            assertEquals(17, graph.opset(""));
        } else {
            assertEquals(21, graph.opset(""), "raised for UINT4");
            assertTrue(graph.initializers().values().stream().anyMatch(t -> t.type() == DataType.UINT4));
            assertTrue(graph.nodes().stream().anyMatch(n -> n.opType().equals("ReduceMean") && n.inputs().size() == 2),
                    "ReduceMean's axes became an input at opset 18");
        }
        int batch = 5;
        float[] image = gaussian(batch * K1, new Random(9), 1);
        Tensor input = Tensor.ofFloats(Shape.of(batch, 1, 1, K1), image);
        float[] want = expected(fp32, image, batch, format, block);
        Path file = dir.resolve("small.onnx");
        OnnxModelWriter.write(graph, file);
        float[] ours;
        try (Model model = FashionData.engine().load(file)) {
            ours = model.run(Map.of("image", input)).get("y").toFloatArray();
        }
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("image", input).toFloatArray();
        }
        if (accuracyLevel == 0) {
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], ours[i], 1e-4, "ours, output " + i);
                assertEquals(want[i], ort[i], 1e-4, "ONNX Runtime, output " + i);
            }
        } else {
            // int8 activations: close to the float product, and both runtimes alike.
            assertTrue(Comparison.snrDb(want, ours) > 30, "ours: " + Comparison.snrDb(want, ours) + " dB");
            assertTrue(Comparison.snrDb(ort, ours) > 50, "ours vs ORT: " + Comparison.snrDb(ort, ours) + " dB");
        }
    }

    @Test
    void nf4RefusesAnOpsetItCannotRaiseAndW4TakesIt() throws Exception {
        Graph old = model(11);
        QuantizeException e = assertThrows(QuantizeException.class, () -> new BlockwiseWeightOnly(Format.NF4, 32, 0,
                Rounding.NEAREST).quantize(old, Map.of(), Map.of()));
        assertEquals(QuantizeException.Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("--scheme w4"), e.getMessage());
        assertEquals(2, new BlockwiseWeightOnly(Format.W4, 32, 0, Rounding.NEAREST).quantize(old, Map.of(), Map.of())
                .layers().size());
    }

    @Test
    void aLayerWithFewerInputsThanABlockStoresOneBlockOfItsOwnSize() throws Exception {
        // fc1 has K = 40, fc2 K = 16: with blocks of 128 they would store 88 and 112 padding codes a row.
        Graph graph = new BlockwiseWeightOnly(Format.W4, 128, 0, Rounding.NEAREST).quantize(model(17), Map.of(),
                Map.of()).graph();
        Map<String, Long> blocks = new HashMap<>();
        graph.nodes().stream().filter(n -> n.opType().equals("MatMulNBits"))
                .forEach(n -> blocks.put(n.name(), n.attribute("block_size").orElseThrow().asInt()));
        assertEquals(Map.of("fc1", 64L, "fc2", 16L), blocks);
        assertArrayEquals(new int[] {N1, 1, 32}, graph.initializers().get("w1_nbits_B").shape().dims());
        BlockwiseWeightOnly scheme = new BlockwiseWeightOnly(Format.NF4, 128, 0, Rounding.NEAREST);
        assertEquals(4L * (K1 * N1 + N1 * N2), scheme.layerBytes(model(17)).fp32());
        assertEquals(N1 * (32 + 4) + N2 * (8 + 4), scheme.layerBytes(model(17)).fourBit());
    }

    @Test
    void blockSizeIsAPowerOfTwoFrom32To128() {
        for (int bad : new int[] {16, 48, 256}) {
            assertThrows(IllegalArgumentException.class, () -> new BlockwiseWeightOnly(Format.W4, bad, 0,
                    Rounding.NEAREST));
        }
    }

    static float[] gaussian(int count, Random random, double sigma) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (random.nextGaussian() * sigma);
        }
        return v;
    }
}
