package io.quantedge.quantize;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measuring: W8A8 per-channel on the Fashion-MNIST CNN with each calibrator, ours and ORT. */
class QuantizedAccuracyTest {

    static Graph fp32;
    static Tensor calibration;
    static Tensor test;
    static long[] labels;
    static float[] fp32Outputs;
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
            fp32Outputs = Evaluator.outputs(model, "input", test, 100, n -> { });
        }
    }

    @Test
    void measure() throws Exception {
        int[] fp32Top1 = Comparison.top1(fp32Outputs, 10);
        double fp32Acc = Comparison.accuracy(fp32Top1, labels);
        for (String name : Calibrators.NAMES) {
            for (boolean bc : new boolean[] {false, true}) {
                QuantizeOptions options = QuantizeOptions.defaults().withCalibrator(Calibrators.named(name, 99.99))
                        .withBiasCorrection(bc);
                QuantizationResult result = new Quantizer(engine).quantize(fp32, calibration,
                        new W8A8Static(Granularity.PER_CHANNEL), options, Progress.NONE);
                Path file = dir.resolve(name + bc + ".onnx");
                OnnxModelWriter.write(result.graph(), file);
                float[] ours;
                try (Model model = engine.load(file)) {
                    ours = Evaluator.outputs(model, "input", test, 100, n -> { });
                }
                float[] ort;
                try (OrtRunner runner = new OrtRunner(file)) {
                    ort = runner.run("input", test).toFloatArray();
                }
                int[] top1 = Comparison.top1(ours, 10);
                int[] ortTop1 = Comparison.top1(ort, 10);
                System.out.printf("%s bc=%s fp32 %.4f int8 %.4f ort %.4f agree %.4f ours-vs-ort %.4f snr %.1f size %.3f notes %s%n",
                        name, bc, fp32Acc, Comparison.accuracy(top1, labels), Comparison.accuracy(ortTop1, labels),
                        Comparison.agreement(top1, fp32Top1), Comparison.agreement(top1, ortTop1),
                        Comparison.snrDb(fp32Outputs, ours),
                        (double) fp32.initializerBytes() / result.graph().initializerBytes(), result.notes());
            }
        }
        assertTrue(true);
    }
}
