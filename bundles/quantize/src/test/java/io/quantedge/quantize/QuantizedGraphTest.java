package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.calibration.MinMaxCalibrator;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.graph.BatchNormFolding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape of what the quantizer writes, on the project's models. */
class QuantizedGraphTest {

    @TempDir
    Path dir;

    private final Engine engine = FashionData.engine();

    @Test
    void batchNormFoldingKeepsTheOutputs() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        BatchNormFolding.Result folded = BatchNormFolding.apply(fp32);
        assertEquals(List.of("/bn1/BatchNormalization", "/bn2/BatchNormalization"), folded.folded());
        assertTrue(folded.graph().nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        assertTrue(folded.graph().initializers().keySet().stream().noneMatch(k -> k.startsWith("bn")), "BN parameters dropped");
        Tensor images = Batches.slice(FashionData.testImages(), 0, 100);
        float[] before;
        float[] after;
        try (Model a = engine.load(fp32, "a"); Model b = engine.load(folded.graph(), "b")) {
            before = Evaluator.outputs(a, "input", images, 100, n -> { });
            after = Evaluator.outputs(b, "input", images, 100, n -> { });
        }
        // Folding reorders float arithmetic only: logits of size ~10 agree to float rounding.
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 1e-4, "logit " + i);
        }
        assertTrue(Comparison.snrDb(before, after) > 100);
    }

    @Test
    void anOpWithoutQuantizedFormStaysFloatWithANoteAndNamesAreKept() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        List<Node> nodes = new ArrayList<>(fp32.nodes());
        nodes.add(new Node("softmax", "", "Softmax", List.of("logits"), List.of("probs"), Map.of()));
        List<TensorSpec> outputs = List.of(fp32.outputs().get(0),
                new TensorSpec("probs", DataType.FP32, fp32.outputs().get(0).dims(), fp32.outputs().get(0).dimNames()));
        Graph withSoftmax = new Graph(fp32.name(), fp32.opsets(), fp32.inputs(), outputs, fp32.initializers(), nodes,
                fp32.metadata());
        QuantizationResult result = new Quantizer(engine).quantize(withSoftmax, FashionData.calibration(),
                new W8A8Static(Granularity.PER_CHANNEL), QuantizeOptions.defaults(), Progress.NONE);
        assertEquals(List.of("Softmax 'softmax' left in float: W8A8 has no quantized form of Softmax"), result.notes());
        assertEquals(outputs, result.graph().outputs());
        Node softmax = result.graph().nodes().stream().filter(n -> n.name().equals("softmax")).findFirst().orElseThrow();
        assertEquals(List.of("logits_QuantizeInput"), softmax.inputs(), "the float logits, not their quantized copy");
        Path file = dir.resolve("softmax.onnx");
        OnnxModelWriter.write(result.graph(), file);
        Tensor images = Batches.slice(FashionData.testImages(), 0, 20);
        try (OrtRunner ort = new OrtRunner(file)) {
            assertEquals(Shape.of(20, 10), ort.run("input", images).shape());
        }
    }

    @Test
    void perTensorWeightsHaveOneScale() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        QuantizationResult result = new Quantizer(engine).quantize(fp32, FashionData.calibration(),
                new W8A8Static(Granularity.PER_TENSOR), QuantizeOptions.defaults().withWeights(Granularity.PER_TENSOR),
                Progress.NONE);
        Graph q = result.graph();
        assertEquals(Shape.scalar(), q.initializers().get("fc1.weight_scale").shape());
        assertEquals(Shape.of(64), q.initializers().get("fc1.bias_quantized_scale").shape());
        assertEquals(DataType.INT8, q.initializers().get("fc1.weight_quantized").type());
        assertEquals(DataType.INT32, q.initializers().get("fc1.bias_quantized").type());
        // The bias scale is the float product of the input scale and the weight scale.
        float in = q.initializers().get("/relu2/Relu_output_0_scale").toFloatArray()[0];
        float w = q.initializers().get("fc1.weight_scale").toFloatArray()[0];
        assertEquals(in * w, q.initializers().get("fc1.bias_quantized_scale").toFloatArray()[5]);
        Path file = dir.resolve("per-tensor.onnx");
        OnnxModelWriter.write(q, file);
        Tensor images = Batches.slice(FashionData.testImages(), 0, 200);
        float[] ours;
        try (Model model = engine.load(file)) {
            ours = Evaluator.outputs(model, "input", images, 100, n -> { });
        }
        try (OrtRunner ort = new OrtRunner(file)) {
            assertTrue(Comparison.agreement(Comparison.top1(ours, 10),
                    Comparison.top1(ort.run("input", images).toFloatArray(), 10)) >= 0.99);
        }
    }

    @Test
    void depthwiseResidualNetworkRunsInOnnxRuntimeAsInTheEngine() throws Exception {
        Graph fp32 = FashionData.load(FashionData.MODELS.resolve("mobilenetv2_like.onnx"));
        Random random = new Random(11);
        float[] x = new float[16 * 3 * 96 * 96];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Tensor samples = Tensor.ofFloats(Shape.of(16, 3, 96, 96), x);
        QuantizationResult result = new Quantizer(engine).quantize(fp32, samples, new W8A8Static(Granularity.PER_CHANNEL),
                new QuantizeOptions(Granularity.PER_CHANNEL, new MinMaxCalibrator(), false, 1), Progress.NONE);
        assertEquals(53, result.layers().size(), "52 Conv and the Gemm");
        assertTrue(result.graph().nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count() > 100);
        Path file = dir.resolve("mobilenet.onnx");
        OnnxModelWriter.write(result.graph(), file);
        Tensor one = Batches.slice(samples, 3, 1);
        float[] ours;
        try (Model model = engine.load(file)) {
            ours = model.run(Map.of("input", one)).get("logits").toFloatArray();
        }
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("input", one).toFloatArray();
        }
        double snr = Comparison.snrDb(ort, ours);
        System.out.println("mobilenetv2_like W8A8: ours vs ORT SNR " + snr + " dB");
        // Measured: bit-identical outputs (infinite SNR). 40 dB leaves room for a requantization tie.
        assertTrue(snr > 40, "ours vs ORT " + snr + " dB");
    }

    @Test
    void aModelWithoutQuantizableLayersIsRefused() throws Exception {
        Graph fp32 = FashionData.load(FashionData.CNN);
        Graph reluOnly = new Graph("relu", fp32.opsets(), fp32.inputs(),
                List.of(new TensorSpec("y", DataType.FP32, fp32.inputs().get(0).dims(), fp32.inputs().get(0).dimNames())),
                Map.of(), List.of(new Node("r", "", "Relu", List.of("input"), List.of("y"), Map.of())), Map.of());
        QuantizeException e = assertThrows(QuantizeException.class, () -> new Quantizer(engine).quantize(reluOnly,
                FashionData.calibration(), new W8A8Static(Granularity.PER_CHANNEL), QuantizeOptions.defaults(),
                Progress.NONE));
        assertEquals(QuantizeException.Code.UNSUPPORTED, e.code());
    }
}
