package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.calibration.Calibrators;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * W8A8 per-channel on the Fashion-MNIST CNN (cnn_fp32.onnx, with its BatchNorm nodes), calibrated
 * on the 200 calibration images with each calibrator, measured on the 1,000 test images of
 * tests/models/data (all of them: the whole test split is not in the repository). One image is
 * 0.1 point. The quantized file is run by our engine and by ONNX Runtime.
 *
 * <p>Measured (FP32 0.8990): minmax 0.8990, agreement 0.995; percentile 99.99 0.8950, 0.996
 * (0.8960, 0.997 with bias correction); entropy 0.8980, 0.993; mse 0.8970, 0.995. The bounds below
 * are those figures with a margin of about two or three images. Entropy sits 2 images under the
 * issue's agreement goal (99.5%) here; on the full 10,000-image test split it reaches 0.9945, on a
 * par with min-max (0.9942): the gap on 1,000 images is within their noise (about 0.2%).
 */
class QuantizedAccuracyTest {

    static Graph fp32;
    static Tensor calibration;
    static Tensor test;
    static long[] labels;
    static int[] fp32Top1;
    static double fp32Accuracy;
    static Engine engine;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        engine = FashionData.engine();
        fp32 = FashionData.load(FashionData.CNN);
        calibration = FashionData.calibration();
        test = FashionData.testImages();
        labels = FashionData.testLabels();
        try (Model model = engine.load(fp32, "fp32")) {
            fp32Top1 = Comparison.top1(Evaluator.outputs(model, "input", test, 100, n -> { }), 10);
        }
        fp32Accuracy = Comparison.accuracy(fp32Top1, labels);
        assertEquals(0.899, fp32Accuracy, 1e-9, "the FP32 accuracy tests/models/README.md quotes for the 1,000 images");
    }

    @ParameterizedTest(name = "{0} {1} bias correction {2}")
    @CsvSource({
        // calibrator, weights, bias correction, max top-1 drop (points), min agreement with FP32
        "minmax,     PER_CHANNEL, false, 0.3, 0.990",
        "percentile, PER_CHANNEL, false, 0.6, 0.990",
        "percentile, PER_CHANNEL, true,  0.4, 0.993",
        "entropy,    PER_CHANNEL, false, 0.3, 0.990",
        "mse,        PER_CHANNEL, false, 0.4, 0.990",
        "minmax,     PER_TENSOR,  false, 0.5, 0.985",
    })
    void w8a8StaysCloseToFp32AndOnnxRuntimeAgrees(String calibrator, Granularity weights, boolean biasCorrection,
                                                  double maxDropPoints, double minAgreement) throws Exception {
        QuantizeOptions options = QuantizeOptions.defaults().withWeights(weights)
                .withCalibrator(Calibrators.named(calibrator, 99.99)).withBiasCorrection(biasCorrection);
        QuantizationResult result = new Quantizer(engine).quantize(fp32, calibration,
                new W8A8Static(weights), options, Progress.NONE);
        assertEquals(2, result.foldedBatchNorms().size(), "both BatchNormalization nodes folded");
        assertEquals(4, result.layers().size(), "2 Conv + 2 Gemm quantized");
        assertTrue(result.notes().isEmpty(), result.notes().toString());
        Path file = dir.resolve(calibrator + "-" + weights + "-" + biasCorrection + ".onnx");
        OnnxModelWriter.write(result.graph(), file);

        float[] ours;
        try (Model model = engine.load(file)) {
            assertEquals(fp32.inputs(), model.inputs(), "inputs kept");
            assertEquals(fp32.outputs(), model.outputs(), "outputs kept");
            assertTrue(model.report().fused().size() >= 4, "the engine runs the layers on integers: " + model.report().fused());
            ours = Evaluator.outputs(model, "input", test, 100, n -> { });
        }
        float[] ort;
        try (OrtRunner runner = new OrtRunner(file)) {
            ort = runner.run("input", test).toFloatArray();
        }
        int[] top1 = Comparison.top1(ours, 10);
        int[] ortTop1 = Comparison.top1(ort, 10);
        double accuracy = Comparison.accuracy(top1, labels);
        double agreement = Comparison.agreement(top1, fp32Top1);
        System.out.printf("W8A8 %s %-10s bias correction %-5s: FP32 %.4f INT8 %.4f drop %+.1f pt agreement %.4f"
                + " ORT %.4f ours=ORT %.4f size %.3fx%n", weights, calibrator, biasCorrection, fp32Accuracy, accuracy,
                100 * (fp32Accuracy - accuracy), agreement, Comparison.accuracy(ortTop1, labels),
                Comparison.agreement(top1, ortTop1), (double) fp32.initializerBytes() / result.graph().initializerBytes());

        assertTrue(100 * (fp32Accuracy - accuracy) <= maxDropPoints + 1e-9, "top-1 drop " + (fp32Accuracy - accuracy));
        assertTrue(agreement >= minAgreement, "agreement with FP32 " + agreement);
        // Both runtimes compute the same int8 products with int32 sums; they may differ only in
        // requantization rounding, so a prediction may flip only where two logits tie to a step.
        // Measured: all 1,000 predictions equal. Allowed: 2 of 1,000.
        assertTrue(Comparison.agreement(top1, ortTop1) >= 0.998, "our predictions vs ONNX Runtime's");
        assertEquals(Comparison.accuracy(ortTop1, labels), accuracy, 0.002, "ORT's accuracy equals ours");
        assertTrue(Comparison.snrDb(ort, ours) > 30, "outputs close to ORT's: " + Comparison.snrDb(ort, ours) + " dB");
        assertTrue((double) fp32.initializerBytes() / result.graph().initializerBytes() >= 3.9,
                "INT8 weights at least 3.9x smaller than FP32");
    }
}
