package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.graph.Graph;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantize --scheme w8-dynamic} and {@code --equalize} as the launcher calls them. */
class DynamicAndEqualizeCommandsTest extends CommandTestBase {

    @TempDir
    Path dir;

    @Test
    void dynamicNeedsNoCalibrationDataAndReportsWhatStayedFloat() throws Exception {
        Path q = dir.resolve("dynamic.onnx");
        Path report = dir.resolve("dynamic.json");
        assertEquals(0, quantize("--model", CNN.toString(), "--out", q.toString(), "--scheme", "w8-dynamic",
                "--report", report.toString()), err());
        assertTrue(out().contains("(w8-dynamic-per-channel, activations quantized at run time)"), out());
        assertTrue(out().contains("2 layers quantized, 2 BatchNormalization folded, 0 activation ranges calibrated"), out());
        assertFalse(out().contains("agreement"), "no data, no comparison: " + out());
        assertTrue(out().contains("note: Conv '/conv1/Conv' left in FP32: dynamic quantization covers MatMul and Gemm"),
                out());
        Graph written = new OnnxModelLoader().load(q);
        assertEquals(2, written.nodes().stream().filter(n -> n.opType().equals("MatMulInteger")).count());
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals("w8-dynamic-per-channel", json.get("scheme").getAsString());
        assertEquals("none", json.get("calibrator").getAsString());
        assertTrue(json.get("calibration").isJsonNull());
        assertTrue(json.get("comparisonOnCalibrationData").isJsonNull());
        assertTrue(json.get("equalization").isJsonNull());
        assertEquals(2, json.getAsJsonArray("layers").size());
    }

    @Test
    void dynamicWithDataComparesOneSamplePerRun() throws Exception {
        Path q = dir.resolve("dynamic.onnx");
        assertEquals(0, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out",
                q.toString(), "--scheme", "w8-dynamic", "--per-tensor"), err());
        assertTrue(out().contains("(w8-dynamic-per-tensor, activations quantized at run time)"), out());
        assertTrue(out().contains("on the 200 calibration samples (one per run): top-1 agreement with FP32"), out());
    }

    @Test
    void equalizeListsThePairsInTheSummaryAndTheReport() throws Exception {
        Path q = dir.resolve("equalized.onnx");
        Path report = dir.resolve("equalized.json");
        assertEquals(0, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out",
                q.toString(), "--per-tensor", "--equalize", "--report", report.toString()), err());
        assertTrue(out().contains("(w8a8-per-tensor, calibrator minmax, cross-layer equalization)"), out());
        assertTrue(out().contains("cross-layer equalization: 3 layer pairs in "), out());
        assertTrue(out().contains("/conv2/Conv -> /fc1/Gemm (via Relu, MaxPool, Flatten): 32 channels, scales "), out());
        JsonObject equalization = JsonParser.parseString(Files.readString(report)).getAsJsonObject()
                .getAsJsonObject("equalization");
        JsonArray pairs = equalization.getAsJsonArray("pairs");
        assertEquals(3, pairs.size());
        JsonObject first = pairs.get(0).getAsJsonObject();
        assertEquals("/conv1/Conv", first.get("first").getAsString());
        assertEquals(16, first.get("channels").getAsInt());
        assertTrue(first.get("minScale").getAsDouble() > 0
                && first.get("maxScale").getAsDouble() > first.get("minScale").getAsDouble(), first.toString());
        assertTrue(equalization.get("sweeps").getAsInt() >= 1);
        assertEquals(4, equalization.getAsJsonArray("rangeUse").size(), "four layers take part");
    }

    @Test
    void optionsThatDoNotFitTheSchemeAreUsageErrors() {
        Path q = dir.resolve("q.onnx");
        assertEquals(2, quantize("--model", CNN.toString(), "--out", q.toString(), "--scheme", "int3"));
        assertTrue(err().contains("--scheme is one of w8a8, w8-dynamic, w4, nf4, qat, not 'int3'"), err());
        for (String option : List.of("--bias-correction", "--calibrator=entropy", "--target-agreement=0.99")) {
            err.reset();
            assertEquals(2, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out",
                    q.toString(), "--scheme", "w8-dynamic", option), option);
            assertTrue(err().contains("goes with --scheme w8a8: w8-dynamic quantizes activations at run time"), err());
        }
        assertEquals(2, quantize("--model", CNN.toString(), "--out", q.toString()));
        assertTrue(err().contains("--calibration is required"), err());
        assertEquals(2, quantize("--model", CNN.toString(), "--out", q.toString(), "--scheme", "w8-dynamic",
                "--report", dir.resolve("r.html").toString()));
        assertTrue(err().contains("an .html report compares the models on data: give --calibration with it"), err());
        assertEquals(2, quantize("--model", CNN.toString(), "--calibration", CALIBRATION.toString(), "--out",
                q.toString(), "--equalize=yes"));
        assertTrue(err().contains("--equalize takes no value"), err());
        assertFalse(Files.exists(q), "nothing written");
    }

    @Test
    void aModelWithoutMatMulOrGemmCannotBeQuantizedDynamically() {
        Path q = dir.resolve("q.onnx");
        assertEquals(5, quantize("--model", MODELS.resolve("ops/Conv_pads.onnx").toString(), "--out", q.toString(),
                "--scheme", "w8-dynamic"));
        assertTrue(err().contains("error UNSUPPORTED: the model has no MatMul with a constant weight and no Gemm"), err());
        assertFalse(Files.exists(q), "nothing written");
    }
}
