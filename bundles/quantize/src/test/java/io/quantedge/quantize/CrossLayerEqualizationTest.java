package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Engine;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.graph.BatchNormFolding;
import io.quantedge.quantize.graph.CrossLayerEqualization;
import io.quantedge.quantize.Equalization.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-layer equalization changes weights but not what the float model computes, and leaves the
 * two layers of each pair with equal per-channel ranges.
 */
class CrossLayerEqualizationTest {

    static Engine engine;

    @BeforeAll
    static void load() {
        engine = FashionData.engine();
    }

    @Test
    void theFashionCnnComputesTheSameAfterEqualization() throws Exception {
        Graph folded = BatchNormFolding.apply(FashionData.load(FashionData.CNN)).graph();
        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(folded);
        List<String> pairs = result.equalization().pairs().stream().map(p -> p.first() + "->" + p.second() + " via " + p.between())
                .toList();
        assertEquals(List.of("/conv1/Conv->/conv2/Conv via [Relu, MaxPool]",
                "/conv2/Conv->/fc1/Gemm via [Relu, MaxPool, Flatten]", "/fc1/Gemm->/fc2/Gemm via [Relu]"), pairs);
        assertTrue(result.equalization().sweeps() > 1 && result.equalization().sweeps() < 100, "a chain converges in a few sweeps: " + result.equalization().sweeps());
        assertTrue(result.equalization().pairs().stream().allMatch(p -> p.minScale() > 0 && p.maxScale() > p.minScale()),
                result.equalization().pairs().toString());
        assertSameFunction(engine, folded, result.graph(), FashionData.testImages(), 100);
        assertRangesEqualized(result.graph(), result.equalization().pairs());
    }

    @Test
    void aClipBetweenTwoLayersIsNotEqualizedAndTheNotesSayWhy() throws Exception {
        Graph mobile = FashionData.load(FashionData.MODELS.resolve("mobilenetv2_like.onnx"));
        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(mobile);
        assertTrue(result.equalization().notes().stream().anyMatch(n -> n.contains("Clip is not positively homogeneous")),
                result.equalization().notes().toString());
        assertTrue(result.equalization().pairs().stream().allMatch(p -> p.between().isEmpty()),
                "only the linear projection -> next expansion pairs (no activation between): " + result.equalization().pairs());
        assertTrue(!result.equalization().pairs().isEmpty(), "blocks without a residual Add pair their projection with the next conv");
        Random random = new Random(7);
        float[] x = new float[3 * 96 * 96];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        assertSameFunction(engine, mobile, result.graph(), Tensor.ofFloats(Shape.of(1, 3, 96, 96), x), 1);
    }

    /**
     * Every pairing the equalization knows, on seeded weights whose channels differ in scale by up
     * to 100x: a plain Conv into a grouped Conv (2 groups), into a depthwise Conv with multiplier 2,
     * through ReLU, GlobalAveragePool and Flatten into a Gemm with B as [K, N], into a Gemm with B
     * as [N, K] (transB).
     */
    @Test
    void groupedDepthwiseAndBothGemmLayoutsKeepTheirFunction() throws Exception {
        Random random = new Random(20240601);
        Map<String, Tensor> init = new HashMap<>();
        init.put("w1", weights(random, Shape.of(4, 3, 3, 3)));
        init.put("b1", weights(random, Shape.of(4)));
        init.put("w2", weights(random, Shape.of(4, 2, 3, 3)));
        init.put("b2", weights(random, Shape.of(4)));
        init.put("w3", weights(random, Shape.of(8, 1, 3, 3)));
        init.put("b3", weights(random, Shape.of(8)));
        init.put("w4", weights(random, Shape.of(8, 5)));
        init.put("b4", weights(random, Shape.of(5)));
        init.put("w5", weights(random, Shape.of(3, 5)));
        init.put("b5", weights(random, Shape.of(3)));
        Map<String, Attribute> pad = Map.of("pads", Attribute.ofInts(1, 1, 1, 1));
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("conv", "", "Conv", List.of("x", "w1", "b1"), List.of("a"), pad));
        nodes.add(new Node("relu", "", "Relu", List.of("a"), List.of("ar"), Map.of()));
        nodes.add(new Node("grouped", "", "Conv", List.of("ar", "w2", "b2"), List.of("g"),
                Map.of("pads", Attribute.ofInts(1, 1, 1, 1), "group", Attribute.ofInt(2))));
        nodes.add(new Node("depthwise", "", "Conv", List.of("g", "w3", "b3"), List.of("d"),
                Map.of("pads", Attribute.ofInts(1, 1, 1, 1), "group", Attribute.ofInt(4))));
        nodes.add(new Node("relu2", "", "Relu", List.of("d"), List.of("dr"), Map.of()));
        nodes.add(new Node("pool", "", "GlobalAveragePool", List.of("dr"), List.of("p"), Map.of()));
        nodes.add(new Node("flatten", "", "Flatten", List.of("p"), List.of("f"), Map.of()));
        nodes.add(new Node("gemm", "", "Gemm", List.of("f", "w4", "b4"), List.of("h"), Map.of()));
        nodes.add(new Node("relu3", "", "Relu", List.of("h"), List.of("hr"), Map.of()));
        nodes.add(new Node("gemmT", "", "Gemm", List.of("hr", "w5", "b5"), List.of("y"),
                Map.of("transB", Attribute.ofInt(1))));
        Graph graph = new Graph("synthetic", Map.of("", 13), List.of(TensorSpec.of("x", DataType.FP32, 2, 3, 6, 6)),
                List.of(TensorSpec.of("y", DataType.FP32, 2, 3)), init, nodes, Map.of());

        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(graph);
        assertEquals(List.of("conv->grouped", "grouped->depthwise", "depthwise->gemm", "gemm->gemmT"),
                result.equalization().pairs().stream().map(p -> p.first() + "->" + p.second()).toList());
        float[] x = new float[2 * 3 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        assertSameFunction(engine, graph, result.graph(), Tensor.ofFloats(Shape.of(2, 3, 6, 6), x), 2);
        assertRangesEqualized(result.graph(), result.equalization().pairs());
    }

    @Test
    void aLayerWhoseOutputHasTwoReadersIsLeftAlone() {
        Map<String, Tensor> init = Map.of("w1", Tensor.ofFloats(Shape.of(2, 2), 1, 2, 3, 4),
                "w2", Tensor.ofFloats(Shape.of(2, 2), 5, 6, 7, 8));
        List<Node> nodes = List.of(new Node("g1", "", "Gemm", List.of("x", "w1"), List.of("h"), Map.of()),
                new Node("g2", "", "Gemm", List.of("h", "w2"), List.of("y"), Map.of()));
        TensorSpec x = TensorSpec.of("x", DataType.FP32, 1, 2);
        Graph graph = new Graph("two-readers", Map.of("", 13), List.of(x),
                List.of(TensorSpec.of("y", DataType.FP32, 1, 2), TensorSpec.of("h", DataType.FP32, 1, 2)), init, nodes,
                Map.of());
        CrossLayerEqualization.Result result = CrossLayerEqualization.apply(graph);
        assertTrue(result.equalization().pairs().isEmpty(), "h is also a graph output, which would see the scaled values");
        assertEquals(graph, result.graph());
    }

    /** Per-channel scales from 0.01 to 1, so equalization has something to do. */
    private static Tensor weights(Random random, Shape shape) {
        int channels = shape.dim(0);
        float[] w = new float[(int) shape.elementCount()];
        int inner = w.length / channels;
        for (int c = 0; c < channels; c++) {
            double scale = Math.pow(10, -2 * random.nextDouble());
            for (int i = 0; i < inner; i++) {
                w[c * inner + i] = (float) (scale * random.nextGaussian());
            }
        }
        return Tensor.ofFloats(shape, w);
    }

    /** The same outputs up to float rounding: max difference within 1e-4 of the largest output. */
    static void assertSameFunction(Engine engine, Graph original, Graph equalized, Tensor input, int batch) throws Exception {
        String name = original.inputs().get(0).name();
        float[] a;
        float[] b;
        try (Model m = engine.load(original, "original")) {
            a = Evaluator.outputs(m, name, input, batch, n -> { });
        }
        try (Model m = engine.load(equalized, "equalized")) {
            b = Evaluator.outputs(m, name, input, batch, n -> { });
        }
        double max = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        System.out.printf("equalized %s: max |difference| %.3g, relative %.3g%n", original.name(), diff, diff / max);
        assertTrue(diff <= 1e-4 * max, "max difference " + diff + " against outputs up to " + max);
        assertTrue(!original.initializers().equals(equalized.initializers()), "the weights did change");
    }

    /** After convergence each channel's range in the first layer equals its range in the second. */
    private static void assertRangesEqualized(Graph graph, List<Pair> pairs) {
        Map<String, Node> nodes = new HashMap<>();
        graph.nodes().forEach(n -> nodes.put(n.name(), n));
        for (Pair pair : pairs) {
            Node first = nodes.get(pair.first());
            Node second = nodes.get(pair.second());
            double[] r1 = outputRanges(first, graph.initializers().get(first.inputs().get(1)));
            double[] r2 = inputRanges(second, graph.initializers().get(second.inputs().get(1)), r1.length);
            for (int c = 0; c < r1.length; c++) {
                assertEquals(r1[c], r2[c], 2e-3 * r1[c], pair + " channel " + c);
            }
        }
    }

    private static double[] outputRanges(Node node, Tensor w) {
        float[] v = w.toFloatArray();
        int[] d = w.shape().dims();
        boolean rows = node.opType().equals("Conv") || node.attribute("transB").map(Attribute::asInt).orElse(0L) == 1;
        int channels = rows ? d[0] : d[1];
        double[] r = new double[channels];
        for (int i = 0; i < v.length; i++) {
            int c = rows ? i / (v.length / d[0]) : i % d[1];
            r[c] = Math.max(r[c], Math.abs(v[i]));
        }
        return r;
    }

    /** Ranges over the second layer's weights reading each of {@code channels} input channels. */
    private static double[] inputRanges(Node node, Tensor w, int channels) {
        float[] v = w.toFloatArray();
        int[] d = w.shape().dims();
        double[] r = new double[channels];
        if (node.opType().equals("Conv")) {
            int groups = (int) (long) node.attribute("group").map(Attribute::asInt).orElse(1L);
            int kernel = v.length / (d[0] * d[1]);
            for (int i = 0; i < v.length; i++) {
                int o = i / (d[1] * kernel);
                int local = (i / kernel) % d[1];
                int c = (o / (d[0] / groups)) * d[1] + local;
                r[c] = Math.max(r[c], Math.abs(v[i]));
            }
            return r;
        }
        boolean transB = node.attribute("transB").map(Attribute::asInt).orElse(0L) == 1;
        int k = transB ? d[1] : d[0];
        int span = k / channels;
        for (int i = 0; i < v.length; i++) {
            int feature = transB ? i % d[1] : i / d[1];
            r[feature / span] = Math.max(r[feature / span], Math.abs(v[i]));
        }
        return r;
    }
}
