package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default demo on the assembled distribution, with the shipped configuration: the seed
 * package installs the INT8 Fashion-MNIST classifier into an empty store, the synthetic camera
 * replays the project's 1,000 test images once, and the pipeline classifies them, preprocessing
 * them as the package's manifest says (the pipeline's configuration names only the sensor and the
 * model). Its accuracy
 * against the images' labels must be that of the model: tests/models/metrics.json gives 0.899
 * for cnn_qdq_per_channel.onnx on these 1,000 images (numpy reference of the ONNX graph). The
 * gateway's integer kernels may round a few borderline images differently, so the bound is 2
 * points (20 images) either side; a preprocessing mistake (wrong scale, mean, layout or colour)
 * costs far more than that. The metrics message is read with mosquitto_sub, field by field.
 */
class DemoPipelineProcessTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final double REFERENCE_ACCURACY = 0.899;
    private static final double TOLERANCE = 0.02;
    private static final Pattern SUMMARY = Pattern.compile(
            "Pipeline demo: .* accuracy ([0-9.]+)% of 1000 labelled .*dropped (\\d+), bad (\\d+), errors (\\d+)");

    @TempDir
    Path work;

    @Test
    void theDemoClassifiesTheReplayedTestImagesAtTheModelsAccuracy() throws Exception {
        Path config = shippedConfig();
        // The camera is held back until the model is served, so each of the 1,000 images reaches it exactly once.
        Path camera = config.resolve("io.quantedge.sensor.synthetic~demo-camera.cfg.json");
        Path held = work.resolve("camera.cfg.json");
        Files.move(camera, held);
        Files.writeString(held, "{\"quantedge.sensor.id\": \"demo-camera\", \"mode\": \"images\", "
                + "\"framesPerSecond\": 100, \"frameLimit\": 1000}\n");
        Path pipeline = config.resolve("io.quantedge.pipeline~demo.cfg.json");
        // Room for every frame, so none is dropped even on a loaded machine; the summary every second.
        Files.writeString(pipeline, Files.readString(pipeline).replace("\"summarySeconds\": 5",
                "\"summarySeconds\": 1").replace("\"queueCapacity\": 4", "\"queueCapacity\": 1000"));
        assertTrue(Files.readString(pipeline).contains("\"queueCapacity\": 1000"), Files.readString(pipeline));
        Files.writeString(config.resolve("io.quantedge.metrics.cfg.json"), "{\"intervalSeconds\": 1}\n");
        Path mqtt = config.resolve("io.quantedge.mqtt.cfg.json");
        Files.writeString(mqtt, Files.readString(mqtt).replace("\"gatewayId\": \"\"", "\"gatewayId\": \"gw-demo\""));

        int port = GatewayProcess.freePort();
        try (GatewayProcess gateway = GatewayProcess.start(DIST, work, port, "run", "--config", config.toString(),
                "--data", work.resolve("data").toString())) {
            gateway.awaitLine(line -> line.contains("Model seed: installed fashion-mnist 1"), WITHIN);
            gateway.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            Files.move(held, camera);

            // The shipped pipeline names only its sensor and model: preprocessing, labels and top-k are the package's.
            gateway.awaitLine(line -> line.contains("Pipeline demo: sensor demo-camera -> model fashion-mnist 1 "
                    + "(classification, with its package manifest)"), WITHIN);
            String summary = gateway.awaitLine(line -> SUMMARY.matcher(line).find(), WITHIN);
            Matcher m = SUMMARY.matcher(summary);
            assertTrue(m.find());
            System.out.println("Demo pipeline over the 1,000 test images: " + summary);
            double accuracy = Double.parseDouble(m.group(1)) / 100;
            assertTrue(Math.abs(accuracy - REFERENCE_ACCURACY) <= TOLERANCE, "accuracy " + accuracy + " is not within "
                    + TOLERANCE + " of the model's " + REFERENCE_ACCURACY + ": " + summary);
            assertEquals("0", m.group(2), summary);
            assertEquals("0", m.group(3), summary);

            JsonObject metrics = JsonParser.parseString(subscribeOnce(port, "quantedge/gw-demo/metrics"))
                    .getAsJsonObject();
            assertEquals("gw-demo", metrics.get("gateway").getAsString());
            JsonObject demo = metrics.getAsJsonObject("pipelines").getAsJsonObject("demo");
            assertEquals("demo-camera", demo.get("sensor").getAsString());
            assertEquals("fashion-mnist", demo.get("model").getAsString());
            assertEquals("1", demo.get("modelVersion").getAsString());
            assertEquals(1000, demo.get("processed").getAsLong());
            assertEquals(1000, demo.get("labelled").getAsLong());
            assertEquals(0, demo.get("dropped").getAsLong());
            assertEquals(0, demo.get("queueDepth").getAsInt());
            assertEquals(accuracy, demo.get("accuracy").getAsDouble(), 0.0011);
            double p50 = demo.getAsJsonObject("latencyMs").get("p50").getAsDouble();
            double p99 = demo.getAsJsonObject("latencyMs").get("p99").getAsDouble();
            assertTrue(p50 > 0 && p50 <= p99, demo.toString());
            JsonObject model = metrics.getAsJsonObject("models").getAsJsonObject("fashion-mnist");
            assertTrue(model.get("weightBytes").getAsLong() > 0, model.toString());
            assertTrue(metrics.getAsJsonObject("jvm").get("heapUsedBytes").getAsLong() > 0);
            assertTrue(metrics.getAsJsonObject("process").get("rssBytes").getAsLong()
                    > metrics.getAsJsonObject("jvm").get("heapUsedBytes").getAsLong() / 4, metrics.toString());
            assertEquals(0, gateway.terminate(WITHIN), gateway.output());
        }
    }

    /** The distribution's runtime-config with its trusted keys, copied to change it. */
    private Path shippedConfig() throws Exception {
        Path config = Files.createDirectories(work.resolve("config"));
        Path shipped = DIST.resolve("runtime-config");
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = config.resolve(shipped.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        return config;
    }

    private static String subscribeOnce(int port, String topic) throws Exception {
        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t", topic,
                "-C", "1", "-W", "20").redirectErrorStream(true).start();
        assertTrue(sub.waitFor(30, TimeUnit.SECONDS));
        String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, sub.exitValue(), out);
        return out;
    }
}
