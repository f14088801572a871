package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.onnx.writer.OnnxModelWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code quantize --scheme w4|nf4} on the project's CNN, and its refusals. */
class WeightOnlyCommandTest {

    static final Path CNN = QuantizeAndEvalCommandsTest.CNN;
    static final Path CALIBRATION = QuantizeAndEvalCommandsTest.CALIBRATION;

    @TempDir
    Path dir;

    private final List<ModelLoader> loaders = List.of(new OnnxModelLoader());
    private final Engine engine = new Engine(() -> loaders,
            () -> new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0))));
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int quantize(Path model, Path q, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--calibration", CALIBRATION.toString(),
                "--out", q.toString()));
        args.addAll(List.of(more));
        return new QuantizeCommand(loaders, engine).execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void w4WithGptqWritesMatMulNBitsAndReportsBlocksRoundingAndSizes() throws Exception {
        Path q = dir.resolve("w4.onnx");
        Path report = dir.resolve("w4.json");
        assertEquals(0, quantize(CNN, q, "--scheme", "w4", "--block-size", "64", "--rounding", "gptq",
                "--report", report.toString()), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("(w4: INT4 weights in MatMulNBits, blocks of 64, rounding gptq, int8 activations"
                + " (accuracy_level 4))"), text);
        assertTrue(text.contains("2 layers with 4-bit weights, 2 BatchNormalization folded"), text);
        assertTrue(text.contains("note: Conv '/conv1/Conv' left in float"), text);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("GPTQ (layer inputs)"), "progress of the GPTQ pass");
        Graph written = new OnnxModelLoader().load(q);
        assertEquals(2, written.nodes().stream().filter(n -> n.opType().equals("MatMulNBits")
                && n.attribute("block_size").orElseThrow().asInt() == 64
                && n.attribute("accuracy_level").orElseThrow().asInt() == 4).count());
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals("w4-block64-gptq-int8-compute", json.get("scheme").getAsString());
        assertEquals("w4", json.get("format").getAsString());
        assertEquals(64, json.get("blockSize").getAsInt());
        assertEquals("gptq", json.get("rounding").getAsString());
        assertEquals(4, json.get("accuracyLevel").getAsInt());
        assertFalse(json.has("calibrator"), "nothing was calibrated");
        JsonObject bytes = json.getAsJsonObject("weightBytes");
        // The CNN's convolutions stay float, so the whole model shrinks less than its Gemm weights.
        assertTrue(bytes.get("ratio").getAsDouble() > 4, bytes.toString());
        assertEquals(bytes.get("fp32").getAsDouble() / bytes.get("quantized").getAsDouble(),
                bytes.get("ratio").getAsDouble(), 1e-9);
        // fc1 1568 x 64 and fc2 64 x 10 in FP32; in 4 bits: 25 blocks of 64 along K=1568 (the last one
        // padded), one along K=64, each 32 bytes of codes and a 4-byte scale per output.
        assertEquals(4 * (1568 * 64 + 64 * 10), bytes.get("layersFp32").getAsLong());
        assertEquals(64 * 25 * (32 + 4) + 10 * (32 + 4), bytes.get("layers4Bit").getAsLong());
        assertTrue(text.contains("the 4-bit layers' weights 394.5 KiB -> 56.6 KiB (6.97x smaller)"), text);
    }

    @Test
    void nf4WritesOpset21AndAccuracyLevelIsRefusedForIt() throws Exception {
        Path q = dir.resolve("nf4.onnx");
        assertEquals(0, quantize(CNN, q, "--scheme", "nf4"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nf4: NormalFloat-4 weights, blocks of 128, rounding"
                + " nearest"), out.toString(StandardCharsets.UTF_8));
        assertEquals(21, new OnnxModelLoader().load(q).opset(""));
    }

    @Test
    void nf4OnAModelBelowOpset13IsUnsupported() throws Exception {
        Graph cnn = new OnnxModelLoader().load(CNN);
        Graph old = new Graph(cnn.name(), Map.of("", 11), cnn.inputs(), cnn.outputs(), cnn.initializers(), cnn.nodes(),
                cnn.metadata());
        Path oldFile = dir.resolve("old.onnx");
        OnnxModelWriter.write(old, oldFile);
        Path q = dir.resolve("q.onnx");
        assertEquals(5, quantize(oldFile, q, "--scheme", "nf4"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error UNSUPPORTED: NF4 needs opset 21"),
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(q), "nothing written");
        assertEquals(0, quantize(oldFile, q, "--scheme", "w4"), "w4 takes any opset");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--scheme w5                         | --scheme is one of w8a8, w8-dynamic, w4, nf4, qat, not 'w5'",
        "--scheme w4 --block-size 48         | --block-size is 32, 64 or 128, not '48'",
        "--scheme w4 --block-size 256        | --block-size is 32, 64 or 128, not '256'",
        "--scheme nf4 --block-size many      | --block-size is 32, 64 or 128, not 'many'",
        "--scheme w4 --rounding best         | --rounding is nearest or gptq, not 'best'",
        "--scheme w4 --accuracy-level 2      | --accuracy-level is 0 (float activations) or 4 (int8 activations), not '2'",
        "--scheme nf4 --accuracy-level 4     | --accuracy-level goes with --scheme w4 (MatMulNBits)",
        "--scheme w4 --calibrator entropy    | --calibrator goes with --scheme w8a8, not w4",
        "--scheme nf4 --bias-correction      | --bias-correction goes with --scheme w8a8, not nf4",
        "--scheme w4 --target-agreement 0.99 | --target-agreement goes with --scheme w8a8, not w4",
        "--block-size 64                     | --block-size goes with --scheme w4 or nf4",
        "--rounding gptq                     | --rounding goes with --scheme w4 or nf4",
    })
    void badOptionsAreUsageErrorsAndWriteNothing(String options, String message) {
        Path q = dir.resolve("bad.onnx");
        assertEquals(2, quantize(CNN, q, options.trim().split(" +")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("quantedge quantize: " + message.trim()),
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(q));
    }
}
