package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.quantize.Batches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two commands as the launcher calls them, on the project's CNN and data. */
class QuantizeAndEvalCommandsTest extends CommandTestBase {

    @TempDir
    Path dir;

    @Test
    void quantizeWritesAModelAndAReportThenEvalComparesThem() throws Exception {
        Path q = dir.resolve("q.onnx");
        Path report = dir.resolve("r.json");
        assertEquals(0, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--calibrator", "percentile", "--percentile", "99.9", "--bias-correction", "--report", report.toString()),
                err());
        assertTrue(out().contains("4 layers quantized, 2 BatchNormalization folded"), out());
        assertTrue(err().contains("calibration (histograms) [##############################] 100% (200/200)"), err());
        Graph written = new OnnxModelLoader().load(q);
        assertEquals(13, written.opset(""));
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals("percentile", json.get("calibrator").getAsString());
        assertEquals(99.9, json.get("percentile").getAsDouble());
        assertTrue(json.get("biasCorrection").getAsBoolean());
        assertEquals(4, json.getAsJsonObject("biasShift").size());
        assertEquals(0.0, ranges(json, "/relu1/Relu_output_0").get(0), "a ReLU output's range starts at 0");
        JsonArray comparison = json.getAsJsonArray("comparisonOnCalibrationData");
        double agreement = comparison.get(1).getAsJsonObject().get("agreement").getAsDouble();
        assertTrue(agreement >= 0.98, "agreement on the calibration data " + agreement);

        // eval on 200 test images: FP32 first, then the quantized model.
        Path images = dir.resolve("x.npy");
        Path labels = dir.resolve("y.npy");
        Tensor all = NpyFile.read(CALIBRATION);
        NpyFile.write(images, Batches.slice(all, 0, 100));
        long[] someLabels = new long[100];
        Arrays.fill(someLabels, 3);
        NpyFile.write(labels, Tensor.ofLongs(Shape.of(100), someLabels));
        out.reset();
        assertEquals(0, eval("--model", CNN.toString(), "--model", q.toString(), "--data", images.toString(),
                "--labels", labels.toString(), "--format", "json", "--runs", "20"), err());
        JsonObject result = JsonParser.parseString(out()).getAsJsonObject();
        JsonArray models = result.getAsJsonArray("models");
        assertEquals(2, models.size());
        JsonObject fp32 = models.get(0).getAsJsonObject();
        JsonObject int8 = models.get(1).getAsJsonObject();
        assertEquals(1.0, fp32.get("agreement").getAsDouble(), "the reference agrees with itself");
        assertTrue(fp32.get("snrDb").isJsonNull(), "identical outputs: infinite SNR, written as null");
        assertTrue(int8.get("snrDb").getAsDouble() > 25, int8.toString());
        assertTrue(fp32.get("weightBytes").getAsDouble() / int8.get("weightBytes").getAsDouble() >= 3.9, int8.toString());
        assertEquals(Files.size(q), int8.get("fileBytes").getAsLong());
        assertTrue(int8.get("latencyP50Ms").getAsDouble() > 0);
        assertTrue(int8.get("backends").getAsString().contains("scalar"), int8.toString());

        out.reset();
        assertEquals(0, eval("--model", CNN.toString(), "--model", q.toString(), "--data", images.toString(), "--runs", "5"));
        assertTrue(out().lines().anyMatch(l -> l.startsWith("q.onnx") && l.contains("%")), out());
    }

    @Test
    void targetAgreementKeepsTheMostSensitiveLayersInFp32AndSaysWhy() throws Exception {
        Path q = dir.resolve("mixed.onnx");
        Path report = dir.resolve("mixed.json");
        assertEquals(0, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--target-agreement", "1.0", "--report", report.toString()), err());
        System.out.print(out());
        assertTrue(out().contains("mixed precision, target top-1 agreement 100.00% with FP32 on the 200 calibration samples"
                + " (in-sample)"),
                out());
        assertTrue(out().contains("kept in FP32 (the most sensitive; alone in INT8 each gives): /"), out());
        assertEquals(4, out().lines().filter(l -> l.matches(" +/\\S+ +(Conv|Gemm) +SNR .*")).count(), out());
        JsonObject mixed = JsonParser.parseString(Files.readString(report)).getAsJsonObject()
                .getAsJsonObject("mixedPrecision");
        assertEquals(1.0, mixed.get("targetAgreement").getAsDouble());
        JsonArray kept = mixed.getAsJsonArray("keptFloat");
        JsonArray sensitivity = mixed.getAsJsonArray("sensitivity");
        assertEquals(4, sensitivity.size());
        assertTrue(kept.size() >= 1, mixed.toString());
        assertEquals(sensitivity.get(0), kept.get(0), "the most sensitive layer is the first kept");
        assertTrue(kept.get(0).getAsJsonObject().get("snrDb").getAsDouble() > 0, kept.toString());
        assertTrue(mixed.get("agreement").getAsDouble() >= mixed.get("fullInt8Agreement").getAsDouble(), mixed.toString());
        assertEquals(kept.size() + 1, mixed.getAsJsonArray("steps").size());

        err.reset();
        assertEquals(2, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--target-agreement", "99.5"));
        assertTrue(err().contains("--target-agreement is a fraction in [0, 1], such as 0.995, not '99.5'"), err());

        err.reset();
        assertEquals(2, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--holdout", "0.25"));
        assertTrue(err().contains("--holdout goes with --target-agreement"), err());

        out.reset();
        assertEquals(0, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--target-agreement", "0.9", "--holdout", "0.25", "--report", report.toString()), err());
        System.out.print(out());
        assertTrue(out().contains("on the last 50 of the 200 samples, held out from calibration"), out());
        assertTrue(out().contains("no layer kept in FP32"), out());
        mixed = JsonParser.parseString(Files.readString(report)).getAsJsonObject().getAsJsonObject("mixedPrecision");
        assertEquals("the last 50 of the 200 samples, held out from calibration", mixed.get("measuredOn").getAsString());
        assertEquals(0, mixed.getAsJsonArray("keptFloat").size());
    }

    private static List<Double> ranges(JsonObject json, String value) {
        JsonArray range = json.getAsJsonObject("activationRanges").getAsJsonArray(value);
        return List.of(range.get(0).getAsDouble(), range.get(1).getAsDouble());
    }

    @Test
    void missingFilesAndMisfitDataAreErrorsWithCodes() throws Exception {
        Path q = dir.resolve("q.onnx");
        assertEquals(4, quantize("--model", CNN.toString(), "--calibration", dir.resolve("none.npy").toString(),
                "--out", q.toString()));
        assertTrue(err().contains("error MISSING_FILE: the calibration data file"), err());
        assertFalse(Files.exists(q), "nothing written");

        err.reset();
        assertEquals(4, quantize("--model", dir.resolve("none.onnx").toString(), "--calibration", CALIBRATION.toString(),
                "--out", q.toString()));
        assertTrue(err().contains("error MISSING_FILE: the model file"), err());

        err.reset();
        Path wrongShape = dir.resolve("wrong.npy");
        NpyFile.write(wrongShape, Tensor.ofFloats(Shape.of(4, 28, 28), new float[4 * 28 * 28]));
        assertEquals(4, quantize("--model", CNN.toString(), "--calibration", wrongShape.toString(), "--out", q.toString()));
        assertTrue(err().contains("error SHAPE_MISMATCH: the data has shape [4, 28, 28], which is not N samples of the"
                + " model's input input: FP32[batch, 1, 28, 28]"), err());
        assertFalse(Files.exists(q), "nothing written");

        err.reset();
        assertEquals(2, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out", q.toString(),
                "--calibrator", "kmeans"));
        assertTrue(err().contains("--calibrator is one of minmax, percentile, entropy, mse, not 'kmeans'"), err());

        err.reset();
        assertEquals(2, quantize("--model", CNN.toString(), "--per-channel", "--per-tensor"));
        err.reset();
        assertEquals(2, eval("--data", CALIBRATION.toString()));
        assertTrue(err().contains("at least one --model is required"), err());

        err.reset();
        Path fewLabels = dir.resolve("few.npy");
        NpyFile.write(fewLabels, Tensor.ofLongs(Shape.of(3), 1, 2, 3));
        assertEquals(4, eval("--model", CNN.toString(), "--data", CALIBRATION.toString(), "--labels", fewLabels.toString()));
        assertTrue(err().contains("error BAD_DATA: there are 3 labels for 200 samples"), err());
    }
}
