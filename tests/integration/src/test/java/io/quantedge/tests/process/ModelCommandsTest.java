package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantedge inspect} and {@code quantedge infer} as a user runs them, on the project's test models. */
class ModelCommandsTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void inspectReportsFusionBackendsAndMemory() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "inspect", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            String out = p.output();
            assertTrue(out.contains("input: FP32[batch, 1, 28, 28]"), out);
            assertTrue(out.contains("Conv '/conv1/Conv' -> QLinearConv"), out);
            // The integer convolution runs on a kernel backend (which one depends on the machine), not in the engine.
            assertTrue(out.lines().anyMatch(l -> l.matches("\\s*/conv1/Conv\\s+QLinearConv\\s+(scalar|native-\\S+|vector)\\s+integer")),
                    out);
            assertTrue(out.contains("Planned peak activation bytes (batch 1):"), out);
        }
    }

    @Test
    void inferClassifiesRealTestImagesIntoNpyOutputs() throws Exception {
        // Three Fashion-MNIST test images, preprocessed as the model was trained.
        Tensor raw = NpyFile.read(MODELS.resolve("data/fashion_test_images_u8.npy"));
        ByteBuffer pixels = raw.data();
        float[] x = new float[3 * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((pixels.get(i) & 0xFF) / 255f - 0.2860f) / 0.3530f;
        }
        Path input = work.resolve("images.npy");
        NpyFile.write(input, Tensor.ofFloats(Shape.of(3, 1, 28, 28), x));
        long[] labels = NpyFile.read(MODELS.resolve("data/fashion_test_labels.npy")).toLongArray();

        try (GatewayProcess p = GatewayProcess.start(DIST, work, "infer", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString(), "--input", "input=" + input,
                "--output", work.resolve("out").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        Tensor logits = NpyFile.read(work.resolve("out/logits.npy"));
        assertEquals(DataType.FP32, logits.type());
        assertEquals(Shape.of(3, 10), logits.shape());
        float[] y = logits.toFloatArray();
        long[] predicted = new long[3];
        for (int r = 0; r < 3; r++) {
            for (int c = 1; c < 10; c++) {
                if (y[r * 10 + c] > y[r * 10 + (int) predicted[r]]) {
                    predicted[r] = c;
                }
            }
        }
        // The model is right on these three images (89.9% on the saved 1,000).
        assertArrayEquals(new long[] {labels[0], labels[1], labels[2]}, predicted);
    }

    @Test
    void benchPrintsLatencyPerBackendAsJson() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "bench", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString(), "--iterations", "10", "--json")) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            String json = p.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            assertTrue(json.matches("\\{\"model\":\".*cnn_qdq_per_channel.onnx\",\"results\":\\[.*\\]}"), json);
            assertTrue(json.matches(".*\\{\"backend\":\"scalar\",\"threads\":1,\"p50Ms\":[0-9.]+,\"p99Ms\":[0-9.]+}.*"),
                    json);
        }
    }

    @Test
    void badInputsAreClearErrorsWithTheirOwnExitCodes() throws Exception {
        Path truncated = Files.write(work.resolve("broken.onnx"),
                java.util.Arrays.copyOf(Files.readAllBytes(MODELS.resolve("cnn_fp32.onnx")), 100));
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "inspect", "--model", truncated.toString())) {
            assertEquals(3, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("MALFORMED"), p.output());
        }
        Path wrongType = work.resolve("ints.npy");
        NpyFile.write(wrongType, Tensor.ofInts(Shape.of(1, 1, 28, 28), new int[784]));
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "infer", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--input", "input=" + wrongType, "--output",
                work.resolve("o").toString())) {
            assertEquals(4, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("input 'input' is INT32[1, 1, 28, 28]; expected input: FP32[batch, 1, 28, 28]"),
                    p.output());
        }
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "frobnicate")) {
            assertEquals(2, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("Commands: run, bench, eval, infer, inspect"), p.output());
        }
    }
}
