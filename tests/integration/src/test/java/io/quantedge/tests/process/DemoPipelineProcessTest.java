package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.mqtt.Mosquitto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * costs far more than that. The gateway publishes to a real Mosquitto (the embedded broker is
 * configured off); the results and the metrics are read with mosquitto_sub, field by field, and the
 * accuracy is counted again from the results on the wire against the labels file.
 */
class DemoPipelineProcessTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
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

        // A real Mosquitto instead of the embedded broker: the gateway connects to it as to a site's broker.
        Files.delete(config.resolve("io.quantedge.broker.cfg.json"));
        try (Mosquitto broker = Mosquitto.start(work);
             GatewayProcess gateway = GatewayProcess.start(DIST, work, broker.port, "run", "--config",
                     config.toString(), "--data", work.resolve("data").toString())) {
            int port = broker.port;
            gateway.awaitLine(line -> line.contains("Model seed: installed fashion-mnist 1"), WITHIN);
            gateway.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            // Every result over MQTT, read by Mosquitto's own client, subscribed before the first frame.
            Subscriber results = Subscriber.start(port, "quantedge/gw-demo/results/demo");
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
            // The sensor's own count: every frame it made reached the pipeline (the camera stops at 1,000).
            assertEquals(1000, demo.getAsJsonObject("sensorCounts").get("delivered").getAsLong(), demo.toString());
            assertEquals(0, demo.getAsJsonObject("sensorCounts").get("rejected").getAsLong(), demo.toString());
            assertEquals(accuracy, demo.get("accuracy").getAsDouble(), 0.0011);
            double p50 = demo.getAsJsonObject("latencyMs").get("p50").getAsDouble();
            double p99 = demo.getAsJsonObject("latencyMs").get("p99").getAsDouble();
            assertTrue(p50 > 0 && p50 <= p99, demo.toString());
            JsonObject model = metrics.getAsJsonObject("models").getAsJsonObject("fashion-mnist");
            assertTrue(model.get("weightBytes").getAsLong() > 0, model.toString());
            assertTrue(metrics.getAsJsonObject("jvm").get("heapUsedBytes").getAsLong() > 0);
            assertTrue(metrics.getAsJsonObject("process").get("rssBytes").getAsLong()
                    > metrics.getAsJsonObject("jvm").get("heapUsedBytes").getAsLong() / 4, metrics.toString());
            List<String> messages = results.await(1000, Duration.ofSeconds(120));
            results.close();
            int correct = checkResults(messages);
            // The results on the wire say what the log says.
            assertEquals(accuracy, correct / 1000.0, 0.0011);
            assertEquals(0, gateway.terminate(WITHIN), gateway.output());
        }
    }

    /**
     * Checks each result message field by field: frames 0 to 999 in order, from this gateway,
     * pipeline, sensor and model; the top 3 classes, best first, as probabilities over the ten
     * Fashion-MNIST classes; no detections. Returns how many top classes are the image's label.
     */
    private static int checkResults(List<String> messages) throws Exception {
        long[] labels = npyInt64(MODELS.resolve("data/fashion_test_labels.npy"));
        int correct = 0;
        Instant previous = Instant.EPOCH;
        for (int i = 0; i < messages.size(); i++) {
            JsonObject r = JsonParser.parseString(messages.get(i)).getAsJsonObject();
            String where = "result " + i + ": " + r;
            assertEquals("gw-demo", r.get("gateway").getAsString(), where);
            assertEquals("demo", r.get("pipeline").getAsString(), where);
            assertEquals("demo-camera", r.get("sensor").getAsString(), where);
            assertEquals(i, r.get("frame").getAsLong(), where);
            Instant at = Instant.parse(r.get("timestamp").getAsString());
            assertTrue(!at.isBefore(previous), where);
            previous = at;
            assertEquals("fashion-mnist", r.get("model").getAsString(), where);
            assertEquals("1", r.get("modelVersion").getAsString(), where);
            assertTrue(r.get("latencyMs").getAsDouble() > 0, where);
            assertTrue(r.get("backend").getAsString().matches("native.*|vector.*|scalar.*"), where);
            assertEquals(0, r.getAsJsonArray("detections").size(), where);
            assertTrue(!r.has("anomalyScore"), where);
            JsonArray classes = r.getAsJsonArray("classes");
            assertEquals(3, classes.size(), where);
            double sum = 0;
            double last = 1;
            for (int k = 0; k < 3; k++) {
                JsonObject c = classes.get(k).getAsJsonObject();
                assertTrue(CLASSES.contains(c.get("label").getAsString()), where);
                double score = c.get("score").getAsDouble();
                assertTrue(score >= 0 && score <= last, where);
                last = score;
                sum += score;
            }
            assertTrue(sum <= 1.0001, where);
            String top = classes.get(0).getAsJsonObject().get("label").getAsString();
            if (top.equals(CLASSES.get((int) labels[i]))) {
                correct++;
            }
        }
        return correct;
    }

    /** A little-endian int64 .npy array, as tests/models/scripts wrote it. */
    private static long[] npyInt64(Path file) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int header = bytes.getShort(8) & 0xFFFF;
        String dict = new String(bytes.array(), 10, header, StandardCharsets.ISO_8859_1);
        assertTrue(dict.contains("'<i8'"), dict);
        int count = (bytes.capacity() - 10 - header) / 8;
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = bytes.getLong(10 + header + i * 8);
        }
        return values;
    }

    /**
     * mosquitto_sub on a topic and a probe topic of its own; {@link #start} returns once a probe
     * published with mosquitto_pub came back, so the subscription is in place at the broker.
     */
    private static final class Subscriber implements AutoCloseable {
        private static final String PROBE = "quantedge-test/probe";
        private final Process process;
        private final String topic;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();

        private Subscriber(Process process, String topic) {
            this.process = process;
            this.topic = topic;
            Thread reader = new Thread(() -> {
                try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            }, "mosquitto_sub-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Subscriber start(int port, String topic) throws Exception {
            Process process = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-q", "1", "-v", "-t", topic, "-t", PROBE).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Subscriber subscriber = new Subscriber(process, topic);
            for (int attempt = 0; attempt < 40; attempt++) {
                Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                        "-t", PROBE, "-m", "probe").redirectErrorStream(true).start();
                assertTrue(pub.waitFor(10, TimeUnit.SECONDS));
                String line = subscriber.lines.poll(250, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(PROBE + " ")) {
                    return subscriber;
                }
            }
            subscriber.close();
            throw new AssertionError("mosquitto_sub never received its probe");
        }

        /** The payloads of the next {@code count} messages on the topic. */
        List<String> await(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> payloads = new java.util.ArrayList<>();
            while (payloads.size() < count) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("only " + payloads.size() + " of " + count + " messages on " + topic);
                }
                if (line.startsWith(topic + " ")) {
                    payloads.add(line.substring(topic.length() + 1));
                }
            }
            return payloads;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    private Path shippedConfig() throws Exception {
        return GatewayProcess.shippedConfig(DIST, work.resolve("config"));
    }

    private static String subscribeOnce(int port, String topic) throws Exception {
        return MosquittoClients.run(30, List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                topic, "-C", "1", "-W", "20"));
    }
}
