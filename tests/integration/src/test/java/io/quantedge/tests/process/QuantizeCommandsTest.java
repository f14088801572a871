package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code quantedge quantize} and {@code quantedge eval} from the distribution, as a user runs them. */
class QuantizeCommandsTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void quantizeThenEvalTheResultAgainstFp32() throws Exception {
        Path calibration = MODELS.resolve("data/fashion_calib_images.npy");
        Path quantized = work.resolve("cnn_int8.onnx");
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "quantize", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--calibration", calibration.toString(),
                "--out", quantized.toString(), "--calibrator", "mse", "--report", work.resolve("r.json").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("4 layers quantized, 2 BatchNormalization folded"), p.output());
            assertTrue(p.output().contains("calibration (histograms) [##############################] 100% (200/200)"),
                    p.output());
        }
        assertTrue(Files.readString(work.resolve("r.json")).contains("\"calibrator\": \"mse\""));
        // The quantized model is an ordinary model for every other command.
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "inspect", "--model", quantized.toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("Conv '/conv1/Conv' -> QLinearConv"), p.output());
        }
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "eval", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--model", quantized.toString(), "--data",
                calibration.toString(), "--runs", "10", "--format", "json")) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("\"model\": \"cnn_int8.onnx\""), p.output());
            assertTrue(p.output().contains("\"accuracy\": null"), "no labels, no accuracy: " + p.output());
        }
    }

    @Test
    void quantizeWritesAnHtmlReportThatParsesWithOneRowAndPointPerModel() throws Exception {
        Path report = work.resolve("report.html");
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "quantize", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--calibration",
                MODELS.resolve("data/fashion_calib_images.npy").toString(), "--out", work.resolve("q.onnx").toString(),
                "--report", report.toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document page = factory.newDocumentBuilder().parse(report.toFile());
        NodeList rows = page.getElementsByTagNameNS("*", "tr");
        assertEquals(3, rows.getLength(), "a header row and one row per model");
        assertEquals("q.onnx", ((Element) rows.item(2)).getAttribute("data-model"));
        assertEquals(4, page.getElementsByTagNameNS("*", "circle").getLength(), "two charts, a point per model in each");
        assertFalse(Files.readString(report).contains("<script"));
    }

    @Test
    void badInputsAreCodedErrors() throws Exception {
        Path out = work.resolve("q.onnx");
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "quantize", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--calibration", work.resolve("none.npy").toString(),
                "--out", out.toString())) {
            assertEquals(4, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("error MISSING_FILE"), p.output());
        }
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "quantize", "--model",
                MODELS.resolve("mobilenetv2_like.onnx").toString(), "--calibration",
                MODELS.resolve("data/fashion_calib_images.npy").toString(), "--out", out.toString())) {
            assertEquals(4, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("error SHAPE_MISMATCH"), p.output());
        }
        assertFalse(Files.exists(out));
    }
}
