package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.eval.ModelMetrics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * W8 with dynamic activations (DynamicQuantizeLinear + MatMulInteger) on the project's
 * Fashion-MNIST models, measured on the 1,000 test images one image per run (DynamicQuantizeLinear
 * takes its range from the whole input tensor, so a batch would change the results), in our
 * engine and in ONNX Runtime.
 */
class W8DynamicTest {

    static Tensor test;
    static long[] labels;
    static Engine engine;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        engine = FashionData.engine();
        test = FashionData.testImages();
        labels = FashionData.testLabels();
    }

    @Test
    void gemmsBecomeMatMulIntegerWithPerColumnWeightsAndConvsStayFloat() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        QuantizationResult result = new Quantizer(engine).quantize(fp32, null, new W8Dynamic(Granularity.PER_CHANNEL),
                QuantizeOptions.defaults(), Progress.NONE);
        Map<String, Integer> ops = opCounts(result.graph());
        assertEquals(2, ops.get("MatMulInteger"), ops.toString());
        assertEquals(2, ops.get("DynamicQuantizeLinear"), ops.toString());
        assertEquals(2, ops.get("Conv"), "the convolutions stay float: " + ops);
        assertEquals(null, ops.get("Gemm"), ops.toString());
        assertEquals(2, result.notes().stream().filter(n -> n.startsWith("Conv ")).count(), result.notes().toString());
        assertEquals("none", result.calibrator());
        assertEquals(fp32.inputs(), result.graph().inputs());
        assertEquals(fp32.outputs(), result.graph().outputs());
        for (Node node : result.graph().nodes()) {
            if (node.opType().equals("MatMulInteger")) {
                Tensor w = result.graph().initializers().get(node.inputs().get(1));
                Tensor zero = result.graph().initializers().get(node.inputs().get(3));
                assertEquals(DataType.INT8, w.type());
                assertEquals(DataType.INT8, zero.type());
                assertEquals(1, zero.shape().rank(), "one zero point per column");
                assertEquals(w.shape().dim(1), zero.shape().dim(0), "[K, N] weights, N zero points");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} equalize {2}")
    @CsvSource({
        // model, weights, equalize, max top-1 drop (points), min agreement, min weight size ratio
        // Measured: cnn (Gemms only) 0.0 / 1.000 / 3.51x and -0.1 / 0.999 / 3.52x; mlp -0.1 / 0.999 / 3.95x,
        // -0.1 / 0.998 / 3.98x, with equalization -0.1 / 0.999 / 3.98x; vit 0.1 / 0.996 / 3.07x and
        // 0.0 / 0.998 / 3.22x (its patch Conv, position embedding and LayerNorms stay FP32).
        // Margin: about two images.
        "cnn_fp32.onnx, PER_CHANNEL, false, 0.2, 0.998, 3.4",
        "cnn_fp32.onnx, PER_TENSOR,  false, 0.2, 0.997, 3.4",
        "mlp_fp32.onnx, PER_CHANNEL, false, 0.2, 0.997, 3.9",
        "mlp_fp32.onnx, PER_TENSOR,  false, 0.2, 0.996, 3.9",
        "mlp_fp32.onnx, PER_TENSOR,  true,  0.2, 0.997, 3.9",
        "vit_fp32.onnx, PER_CHANNEL, false, 0.3, 0.994, 3.0",
        "vit_fp32.onnx, PER_TENSOR,  false, 0.2, 0.996, 3.15",
    })
    void dynamicStaysCloseToFp32AndOnnxRuntimeAgrees(String file, Granularity weights, boolean equalize,
                                                     double maxDropPoints, double minAgreement, double minSizeRatio)
            throws Exception {
        Graph fp32 = FashionData.load(FashionData.MODELS.resolve(file));
        QuantizationResult result = new Quantizer(engine).quantize(fp32, null, new W8Dynamic(weights),
                QuantizeOptions.defaults().withWeights(weights).withEqualization(equalize), Progress.NONE);
        long layers = fp32.nodes().stream().filter(n -> n.opType().equals("Gemm")
                || n.opType().equals("MatMul") && fp32.initializers().containsKey(n.inputs().get(1))).count();
        assertEquals((int) layers, opCounts(result.graph()).get("MatMulInteger"), "every Gemm and weight MatMul is integer");
        Path out = dir.resolve(file.replace(".onnx", "") + "-dynamic-" + weights + "-" + equalize + ".onnx");
        OnnxModelWriter.write(result.graph(), out);

        float[] reference = fp32Outputs(fp32);
        float[] ours;
        try (Model model = engine.load(out)) {
            assertEquals(fp32.inputs(), model.inputs(), "inputs kept");
            assertEquals(fp32.outputs(), model.outputs(), "outputs kept");
            ours = Evaluator.outputs(model, "input", test, 1, n -> { });
        }
        float[] ort = OrtRunner.oneAtATime(out, "input", test);
        int classes = reference.length / labels.length;
        int[] fp32Top1 = Comparison.top1(reference, classes);
        int[] top1 = Comparison.top1(ours, classes);
        int[] ortTop1 = Comparison.top1(ort, classes);
        double fp32Accuracy = Comparison.accuracy(fp32Top1, labels);
        double accuracy = Comparison.accuracy(top1, labels);
        double agreement = Comparison.agreement(top1, fp32Top1);
        double ratio = (double) fp32.initializerBytes() / result.graph().initializerBytes();
        System.out.printf("W8 dynamic %s %-12s equalize %-5s: FP32 %.4f W8 %.4f drop %+.1f pt agreement %.4f ORT %.4f ours=ORT %.4f"
                + " SNR(ORT, ours) %.1f dB size %.3fx%n", file, weights, equalize, fp32Accuracy, accuracy,
                100 * (fp32Accuracy - accuracy), agreement, Comparison.accuracy(ortTop1, labels),
                Comparison.agreement(top1, ortTop1), Comparison.snrDb(ort, ours), ratio);

        assertTrue(100 * (fp32Accuracy - accuracy) <= maxDropPoints + 1e-9, "top-1 drop " + (fp32Accuracy - accuracy));
        assertTrue(agreement >= minAgreement, "agreement with FP32 " + agreement);
        // The same integer products in both runtimes, then the same three float operations: ORT's
        // predictions equal ours (measured: all of them, on every row).
        assertArrayEquals(ortTop1, top1, "ONNX Runtime's predictions equal ours");
        assertTrue(Comparison.snrDb(ort, ours) > 40, "outputs close to ORT's: " + Comparison.snrDb(ort, ours) + " dB");
        assertTrue(ratio >= minSizeRatio, "weights " + ratio + "x smaller");
    }

    /**
     * A Gemm with B as [K, N] (no transB), alpha 0.5 and beta 2, then a MatMul on a 3-D input
     * and one whose both inputs are activations (left in float): the rewrite keeps what each
     * computes, within int8 rounding, in our engine and in ONNX Runtime alike.
     */
    @Test
    void gemmAttributesAndThreeDimensionalMatMulsKeepTheirMeaning() throws Exception {
        Random random = new Random(11);
        Map<String, Tensor> init = new HashMap<>();
        init.put("b", gaussian(random, Shape.of(12, 8)));
        init.put("c", gaussian(random, Shape.of(8)));
        init.put("w", gaussian(random, Shape.of(4, 6)));
        init.put("shape", Tensor.ofLongs(Shape.of(3), 3, 2, 4));
        List<Node> nodes = List.of(
                new Node("gemm", "", "Gemm", List.of("x", "b", "c"), List.of("g"),
                        Map.of("alpha", Attribute.ofFloat(0.5f), "beta", Attribute.ofFloat(2f))),
                new Node("reshape", "", "Reshape", List.of("g", "shape"), List.of("r"), Map.of()),
                new Node("matmul", "", "MatMul", List.of("r", "w"), List.of("m"), Map.of()),
                new Node("transpose", "", "Transpose", List.of("m"), List.of("t"),
                        Map.of("perm", Attribute.ofInts(0, 2, 1))),
                new Node("scores", "", "MatMul", List.of("m", "t"), List.of("y"), Map.of()));
        Graph fp32 = new Graph("synthetic", Map.of("", 13), List.of(TensorSpec.of("x", DataType.FP32, 3, 12)),
                List.of(TensorSpec.of("y", DataType.FP32, 3, 2, 2)), init, nodes, Map.of());
        QuantizationResult result = new Quantizer(engine).quantize(fp32, null, new W8Dynamic(Granularity.PER_CHANNEL),
                QuantizeOptions.defaults(), Progress.NONE);
        assertEquals(List.of("gemm", "matmul"), result.layers().stream().map(Scheme.Layer::node).toList());
        assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("MatMul 'scores' left in FP32: both inputs are"
                + " activations")), result.notes().toString());
        Tensor x = gaussian(random, Shape.of(3, 12));
        Path file = dir.resolve("synthetic-dynamic.onnx");
        OnnxModelWriter.write(result.graph(), file);
        float[] reference;
        float[] ours;
        try (Model f = engine.load(fp32, "fp32"); Model q = engine.load(file)) {
            reference = f.run(Map.of("x", x)).get("y").toFloatArray();
            ours = q.run(Map.of("x", x)).get("y").toFloatArray();
        }
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("x", x).toFloatArray();
        }
        System.out.printf("W8 dynamic synthetic Gemm/MatMul: SNR vs FP32 %.1f dB, ORT vs ours %.1f dB%n",
                Comparison.snrDb(reference, ours), Comparison.snrDb(ort, ours));
        assertTrue(Comparison.snrDb(reference, ours) > 30, "int8 rounding only");
        assertTrue(Comparison.snrDb(ort, ours) > 60, "ORT computes the same");
    }

    private static Tensor gaussian(Random random, Shape shape) {
        float[] v = new float[(int) shape.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Tensor.ofFloats(shape, v);
    }

    /**
     * {@code eval} and the quantize summary must measure a dynamic model as it is deployed, one
     * input per run: its output SNR equals the one-at-a-time figure exactly, and differs from the
     * figure of the same model run 50 inputs at a time (one range for all 50).
     */
    @Test
    void theEvaluatorRunsDynamicModelsOneSampleAtATime() throws Exception {
        Graph fp32 = FashionData.load(FashionData.MODELS.resolve("mlp_fp32.onnx"));
        Graph dynamic = new Quantizer(engine).quantize(fp32, null, new W8Dynamic(Granularity.PER_TENSOR),
                QuantizeOptions.defaults(), Progress.NONE).graph();
        Tensor samples = FashionData.calibration();
        List<ModelMetrics> metrics = new Evaluator(engine, 3).evaluate(List.of(new Evaluator.Candidate("fp32", fp32, 0),
                new Evaluator.Candidate("dynamic", dynamic, 0)), samples, null, Progress.NONE);
        float[] reference;
        float[] single;
        float[] batched;
        try (Model f = engine.load(fp32, "fp32"); Model d = engine.load(dynamic, "dynamic")) {
            reference = Evaluator.outputs(f, "input", samples, 50, n -> { });
            single = Evaluator.outputs(d, "input", samples, 1, n -> { });
            batched = Evaluator.outputs(d, "input", samples, 50, n -> { });
        }
        double snr = metrics.get(1).snrDb();
        System.out.printf("W8 dynamic mlp per-tensor on the 200 calibration images: SNR %.2f dB one per run, %.2f dB"
                + " in batches of 50%n", snr, Comparison.snrDb(reference, batched));
        assertEquals(Comparison.snrDb(reference, single), snr, 1e-9);
        assertTrue(Math.abs(Comparison.snrDb(reference, batched) - snr) > 0.01, "a batch changes the results");
    }

    /** FP32 does not depend on the batch, so it runs 100 at a time. */
    private static float[] fp32Outputs(Graph graph) throws Exception {
        try (Model model = engine.load(graph, graph.name())) {
            return Evaluator.outputs(model, "input", test, 100, n -> { });
        }
    }

    static Map<String, Integer> opCounts(Graph graph) {
        Map<String, Integer> counts = new TreeMap<>();
        graph.nodes().forEach(n -> counts.merge(n.opType(), 1, Integer::sum));
        return counts;
    }
}
