package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.MixedPrecision.LayerSensitivity;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensitivity and mixed precision on the Fashion-MNIST CNN (2 Conv + 2 Gemm after BatchNorm
 * folding), W8A8 per-channel min-max, on the 200 calibration images.
 */
class MixedPrecisionTest {

    static Graph fp32;
    static Tensor calibration;
    static Engine engine;
    static final W8A8Static SCHEME = new W8A8Static(Granularity.PER_CHANNEL);

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        engine = FashionData.engine();
        fp32 = FashionData.load(FashionData.CNN);
        calibration = FashionData.calibration();
    }

    @Test
    void rankingHasEveryQuantizableLayerOnceWithFiniteSnr() throws Exception {
        List<LayerSensitivity> ranking = new MixedPrecision(engine).sensitivity(fp32, calibration, SCHEME,
                QuantizeOptions.defaults(), Progress.NONE);
        ranking.forEach(l -> System.out.printf("sensitivity %-12s %-5s SNR %6.2f dB agreement %.4f%n", l.node(),
                l.opType(), l.snrDb(), l.agreement()));
        QuantizationResult full = new Quantizer(engine).quantize(fp32, calibration, SCHEME, QuantizeOptions.defaults(),
                Progress.NONE);
        Set<String> expected = new HashSet<>();
        full.layers().forEach(l -> expected.add(l.node()));
        assertEquals(4, ranking.size(), "one entry per Conv/Gemm: " + ranking);
        assertEquals(expected, new HashSet<>(ranking.stream().map(LayerSensitivity::node).toList()));
        for (int i = 0; i < ranking.size(); i++) {
            LayerSensitivity l = ranking.get(i);
            assertTrue(Double.isFinite(l.snrDb()) && l.snrDb() > 35, "one INT8 layer perturbs the output a little (measured 42.9..51.6 dB): " + l);
            assertTrue(l.agreement() > 0.9 && l.agreement() <= 1, l.toString());
            if (i > 0) {
                assertTrue(ranking.get(i - 1).snrDb() <= l.snrDb(), "most sensitive (lowest SNR) first");
            }
        }
    }

    @Test
    void aHeldOutSplitIsMeasuredWithoutCalibratingOnIt() throws Exception {
        Tensor first = Batches.slice(calibration, 0, 150);
        Tensor last = Batches.slice(calibration, 150, 50);
        MixedPrecision.Result result = new MixedPrecision(engine).quantize(fp32, first, last, SCHEME,
                QuantizeOptions.defaults(), 1.0, Progress.NONE);
        result.steps().forEach(s -> System.out.printf("held out (150 calibrate, 50 check) FP32 layers %s: agreement"
                + " %.4f SNR %.2f dB%n", s.keptFloat(), s.agreement(), s.snrDb()));
        assertEquals(4, result.ranking().size());
        assertTrue(result.met() || result.keptFloat().size() == 4, "met, or every layer kept");
        // Agreement on 50 images moves in steps of 2%.
        double step = 1.0 / 50;
        result.steps().forEach(s -> assertEquals(0, Math.IEEEremainder(s.agreement(), step), 1e-9, s.toString()));
    }

    @Test
    void aTargetFullInt8MeetsKeepsEveryLayerQuantized() throws Exception {
        MixedPrecision.Result result = new MixedPrecision(engine).quantize(fp32, calibration, SCHEME,
                QuantizeOptions.defaults(), 0.95, Progress.NONE);
        assertTrue(result.met());
        assertEquals(1, result.steps().size(), "the full INT8 model was enough");
        assertTrue(result.keptFloat().isEmpty());
        assertEquals(4, result.quantization().layers().size());
    }

    @Test
    void aTargetAboveFullInt8KeepsLayersInFp32AndOnnxRuntimeAgrees() throws Exception {
        MixedPrecision.Result result = new MixedPrecision(engine).quantize(fp32, calibration, SCHEME,
                QuantizeOptions.defaults(), 1.0, Progress.NONE);
        result.steps().forEach(s -> System.out.printf("mixed precision FP32 layers %s: agreement %.4f SNR %.2f dB"
                + " weights %.2fx smaller%n", s.keptFloat(), s.agreement(), s.snrDb(),
                (double) fp32.initializerBytes() / s.weightBytes()));
        double fullInt8 = result.fullInt8().agreement();
        assertTrue(fullInt8 < 1.0, "full INT8 must miss the target for this test to mean anything: " + fullInt8);
        assertFalse(result.keptFloat().isEmpty(), "at least one layer kept in FP32");
        assertEquals(result.ranking().subList(0, result.keptFloat().size()), result.keptFloat(),
                "the most sensitive layers are kept first");
        assertEquals(result.keptFloat().size() + 1, result.steps().size());
        assertTrue(result.chosen().agreement() >= fullInt8, "mixed " + result.chosen().agreement() + " vs " + fullInt8);
        if (result.met()) {
            assertEquals(1.0, result.chosen().agreement());
        }
        int quantized = result.quantization().layers().size();
        assertEquals(4 - result.keptFloat().size(), quantized, "the kept layers are not quantized");

        Path file = dir.resolve("mixed.onnx");
        OnnxModelWriter.write(result.quantization().graph(), file);
        float[] ours;
        try (Model model = engine.load(file)) {
            assertEquals(fp32.inputs(), model.inputs(), "inputs kept");
            assertEquals(fp32.outputs(), model.outputs(), "outputs kept");
            ours = Evaluator.outputs(model, "input", calibration, 50, n -> { });
        }
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("input", calibration).toFloatArray();
        }
        int[] top1 = Comparison.top1(ours, 10);
        int[] ortTop1 = Comparison.top1(ort, 10);
        System.out.printf("mixed model: ours vs ORT agreement %.4f SNR %.1f dB%n", Comparison.agreement(top1, ortTop1),
                Comparison.snrDb(ort, ours));
        assertEquals(1.0, Comparison.agreement(top1, ortTop1), "our predictions equal ONNX Runtime's");

        // Out of sample, for the guide: the same model on the 1,000 test images (not asserted:
        // 200 calibration images say little about how the 1,000 move).
        Tensor test = FashionData.testImages();
        long[] labels = FashionData.testLabels();
        try (Model mixed = engine.load(file); Model reference = engine.load(fp32, "fp32")) {
            int[] mixedTop1 = Comparison.top1(Evaluator.outputs(mixed, "input", test, 100, n -> { }), 10);
            int[] fp32Top1 = Comparison.top1(Evaluator.outputs(reference, "input", test, 100, n -> { }), 10);
            System.out.printf("mixed model on the test images: top-1 %.4f (FP32 %.4f), agreement %.4f, weights %.2fx"
                    + " smaller%n", Comparison.accuracy(mixedTop1, labels), Comparison.accuracy(fp32Top1, labels),
                    Comparison.agreement(mixedTop1, fp32Top1),
                    (double) fp32.initializerBytes() / result.quantization().graph().initializerBytes());
        }
        assertTrue(Comparison.snrDb(ort, ours) > 30, "outputs close to ORT's");
    }
}
