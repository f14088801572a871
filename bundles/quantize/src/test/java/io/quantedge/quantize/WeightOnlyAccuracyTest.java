package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.BlockwiseWeightOnly.Format;
import io.quantedge.quantize.BlockwiseWeightOnly.Rounding;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exploration run: prints figures. */
class WeightOnlyAccuracyTest {

    static Tensor calibration;
    static Tensor test;
    static long[] labels;
    static Engine engine;
    static final Map<String, Graph> graphs = new HashMap<>();
    static final Map<String, int[]> fp32Top1 = new HashMap<>();
    static final Map<String, float[]> fp32Out = new HashMap<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws Exception {
        engine = FashionData.engine();
        calibration = FashionData.calibration();
        test = FashionData.testImages();
        labels = FashionData.testLabels();
    }

    static int[] reference(String file) throws Exception {
        if (!graphs.containsKey(file)) {
            Graph g = FashionData.load(FashionData.MODELS.resolve(file));
            graphs.put(file, g);
            try (Model model = engine.load(g, "fp32")) {
                float[] o = Evaluator.outputs(model, "input", test, 100, n -> { });
                fp32Out.put(file, o);
                fp32Top1.put(file, Comparison.top1(o, 10));
            }
        }
        return fp32Top1.get(file);
    }

    @ParameterizedTest(name = "{0} {1} block {2} {3} acc {4}")
    @CsvSource({
        "/tmp/int4-models/mlp_fp32.onnx, W4, 32, NEAREST, 4",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 32, GPTQ, 4",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 64, NEAREST, 4",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 64, GPTQ, 4",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 128, NEAREST, 4",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 128, GPTQ, 4",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 32, NEAREST, 0",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 32, GPTQ, 0",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 64, NEAREST, 0",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 64, GPTQ, 0",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 128, NEAREST, 0",
        "/tmp/int4-models/mlp_fp32.onnx, NF4, 128, GPTQ, 0",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 32, NEAREST, 0",
        "/tmp/int4-models/mlp_fp32.onnx, W4, 32, GPTQ, 0",
    })
    void measure(String file, Format format, int block, Rounding rounding, int accuracy) throws Exception {
        int[] ref = reference(file);
        Graph fp32 = graphs.get(file);
        double fp32Accuracy = Comparison.accuracy(ref, labels);
        long t0 = System.nanoTime();
        QuantizationResult result = new WeightOnlyQuantizer(engine).quantize(fp32, calibration,
                new BlockwiseWeightOnly(format, block, accuracy, rounding), QuantizeOptions.defaults(), Progress.NONE);
        long t1 = System.nanoTime();
        Path out = dir.resolve(file + format + block + rounding + accuracy + ".onnx");
        OnnxModelWriter.write(result.graph(), out);
        float[] ours;
        long r0;
        long r1;
        try (Model model = engine.load(out)) {
            Evaluator.outputs(model, "input", test, 100, n -> { });
            r0 = System.nanoTime();
            ours = Evaluator.outputs(model, "input", test, 100, n -> { });
            r1 = System.nanoTime();
        }
        System.out.printf("RUN %.3fs %s %s b%d acc%d%n", (r1 - r0) / 1e9, file, format, block, accuracy);
        float[] ort;
        try (OrtRunner runner = new OrtRunner(out)) {
            ort = runner.run("input", test).toFloatArray();
        }
        int[] top1 = Comparison.top1(ours, 10);
        int[] ortTop1 = Comparison.top1(ort, 10);
        double acc = Comparison.accuracy(top1, labels);
        System.out.printf("SNR %.2f dB %s %s b%d %s acc%d: FP32 %.4f Q %.4f drop %+.1f agree %.4f ORT %.4f ours=ORT %.4f snr(ort,ours) %.1f"
                + " size %.3fx layers %d notes %s time %.1fs%n", Comparison.snrDb(fp32Out.get(file), ours), file, format, block, rounding, accuracy, fp32Accuracy,
                acc, 100 * (fp32Accuracy - acc), Comparison.agreement(top1, ref), Comparison.accuracy(ortTop1, labels),
                Comparison.agreement(top1, ortTop1), Comparison.snrDb(ort, ours),
                (double) fp32.initializerBytes() / result.graph().initializerBytes(), result.layers().size(),
                result.notes(), (t1 - t0) / 1e9);
        assertTrue(result.layers().size() > 0);
    }
}
