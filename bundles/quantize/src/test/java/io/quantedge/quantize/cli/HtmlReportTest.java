package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.quantize.Batches;
import io.quantedge.quantize.FashionData;
import io.quantedge.quantize.Progress;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.eval.ModelMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The HTML report on a real evaluation of the project's FP32 CNN against its INT8 QDQ version: it
 * parses as XML, and every row and chart point holds the figures the JSON of the same run holds.
 */
class HtmlReportTest {

    private static final Path FP32 = FashionData.MODELS.resolve("cnn_fp32.onnx");
    private static final Path INT8 = FashionData.MODELS.resolve("cnn_qdq_per_channel.onnx");
    private static final int SAMPLES = 100;
    private static final String NASTY = "cnn<int8>&\"q\"'s.onnx";

    private static Tensor images;
    private static long[] labels;

    @TempDir
    Path dir;

    private final List<ModelLoader> loaders = List.of(new OnnxModelLoader());
    private final Engine engine = FashionData.engine();

    @BeforeAll
    static void data() throws Exception {
        images = Batches.slice(FashionData.testImages(), 0, SAMPLES);
        labels = Arrays.copyOf(FashionData.testLabels(), SAMPLES);
    }

    @Test
    void rowsAndPointsCarryTheFiguresOfTheJsonOfTheSameRunAndNamesAreEscaped() throws Exception {
        List<ModelMetrics> metrics = new Evaluator(engine, 10).evaluate(List.of(
                new Evaluator.Candidate("cnn_fp32.onnx", FashionData.load(FP32), Files.size(FP32)),
                new Evaluator.Candidate(NASTY, FashionData.load(INT8), Files.size(INT8))),
                images, labels, Progress.NONE);
        JsonArray json = JsonParser.parseString(new Gson().newBuilder().serializeNulls().create()
                .toJson(MetricsFormat.json(metrics))).getAsJsonArray();
        String html = HtmlReport.render("eval <test>", List.of("data & labels"), metrics);

        assertFalse(html.contains(NASTY), "the raw name never appears unescaped");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("src=") || html.contains("href=") || html.contains("@import"),
                "nothing fetched: no linked script, style, image or font");
        Document page = parse(html);
        assertEquals("eval <test>", byTag(page, "title").get(0).getTextContent());
        compare(json, page);
        List<Element> cells = byTag(byTag(page, "tbody").get(0), "td");
        assertTrue(cells.stream().anyMatch(c -> c.getTextContent().equals(NASTY)), "the name reads back as it was");
        // Labels given: the charts plot accuracy.
        assertTrue(byTag(page, "h2").get(0).getTextContent().startsWith("Accuracy"));
    }

    @Test
    void evalWritesTheHtmlPageFromTheCommandLineAndQuantizeWritesOneForItsReport() throws Exception {
        Path x = dir.resolve("x.npy");
        Path y = dir.resolve("y.npy");
        NpyFile.write(x, images);
        NpyFile.write(y, Tensor.ofLongs(Shape.of(SAMPLES), labels));
        List<String> args = List.of("--model", FP32.toString(), "--model", INT8.toString(), "--data", x.toString(),
                "--labels", y.toString(), "--runs", "10", "--format");
        String html = run(new EvalCommand(loaders, engine), args, "html");
        Path page = dir.resolve("report.html");
        Files.writeString(page, html);
        Document document = parse(Files.readString(page));
        JsonArray json = JsonParser.parseString(run(new EvalCommand(loaders, engine), args, "json"))
                .getAsJsonObject().getAsJsonArray("models");
        // Two runs: latency differs, every other figure is deterministic and must match.
        List<Element> rows = rows(document);
        assertEquals(json.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject model = json.get(i).getAsJsonObject();
            Element row = rows.get(i);
            assertEquals(model.get("model").getAsString(), row.getAttribute("data-model"));
            for (String field : List.of("fileBytes", "weightBytes", "plannedActivationBytes", "accuracy", "agreement",
                    "snrDb")) {
                assertSame(model.get(field), row.getAttribute("data-" + dashed(field)), field);
            }
            assertTrue(model.get("plannedActivationBytes").getAsLong() > 0, model.toString());
        }
        assertEquals(2, points(document, "size").size());

        Path calibration = dir.resolve("calib.npy");
        NpyFile.write(calibration, Batches.slice(FashionData.calibration(), 0, 50));
        Path report = dir.resolve("r.html");
        run(new QuantizeCommand(loaders, engine), List.of("--model", FP32.toString(), "--calibration",
                calibration.toString(), "--out", dir.resolve("q.onnx").toString(), "--report"), report.toString());
        Document quantized = parse(Files.readString(report));
        assertEquals(List.of("cnn_fp32.onnx", "q.onnx"), rows(quantized).stream().map(r -> r.getAttribute("data-model")).toList());
        assertTrue(byTag(quantized, "h2").get(0).getTextContent().startsWith("Agreement"), "no labels: agreement");
        assertFalse(Files.exists(dir.resolve("r.html.tmp")));
    }

    private static String run(io.quantedge.api.cli.CliCommand command, List<String> args, String last) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(args);
        all.add(last);
        int code = command.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every row and both charts' points against the JSON rows, number for number. */
    private static void compare(JsonArray json, Document page) {
        List<Element> rows = rows(page);
        List<Element> size = points(page, "size");
        List<Element> latency = points(page, "latency");
        assertEquals(json.size(), rows.size(), "one row per model");
        assertEquals(json.size(), size.size(), "one point per model against size");
        assertEquals(json.size(), latency.size(), "one point per model against latency");
        for (int i = 0; i < json.size(); i++) {
            JsonObject model = json.get(i).getAsJsonObject();
            Element row = rows.get(i);
            assertEquals(model.get("model").getAsString(), row.getAttribute("data-model"));
            for (String field : List.of("fileBytes", "weightBytes", "plannedActivationBytes", "accuracy", "agreement",
                    "snrDb", "latencyP50Ms", "latencyP99Ms")) {
                assertSame(model.get(field), row.getAttribute("data-" + dashed(field)), field);
            }
            assertEquals(model.get("model").getAsString(), size.get(i).getAttribute("data-model"));
            assertEquals(model.get("weightBytes").getAsDouble() / 1024, number(size.get(i), "data-x"), 1e-9);
            assertEquals(model.get("accuracy").getAsDouble(), number(size.get(i), "data-y"));
            assertEquals(model.get("latencyP50Ms").getAsDouble(), number(latency.get(i), "data-x"));
            assertEquals(model.get("accuracy").getAsDouble(), number(latency.get(i), "data-y"));
        }
        // The reference's SNR is infinite: null in JSON, empty in the page, "inf" in its cell.
        assertTrue(json.get(0).getAsJsonObject().get("snrDb").isJsonNull());
    }

    private static void assertSame(JsonElement json, String attribute, String field) {
        if (json.isJsonNull()) {
            assertEquals("", attribute, field);
        } else {
            assertEquals(json.getAsDouble(), Double.parseDouble(attribute), field);
        }
    }

    private static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    private static String dashed(String field) {
        return java.util.Map.of("fileBytes", "file-bytes", "weightBytes", "weight-bytes", "plannedActivationBytes",
                "planned-activation-bytes", "accuracy", "accuracy", "agreement", "agreement", "snrDb", "snr-db",
                "latencyP50Ms", "latency-p50-ms", "latencyP99Ms", "latency-p99-ms").get(field);
    }

    private static List<Element> rows(Document page) {
        return byTag(byTag(page, "tbody").get(0), "tr");
    }

    private static List<Element> points(Document page, String chart) {
        for (Element svg : byTag(page, "svg")) {
            if (svg.getAttribute("id").equals("chart-" + chart)) {
                return byTag(svg, "circle");
            }
        }
        throw new AssertionError("no chart " + chart);
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> byTag(Object node, String tag) {
        NodeList list = node instanceof Document d ? d.getElementsByTagNameNS("*", tag)
                : ((Element) node).getElementsByTagNameNS("*", tag);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            elements.add((Element) list.item(i));
        }
        return elements;
    }
}
