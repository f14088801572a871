package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.mqtt.Mosquitto;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration on the gateway, end to end on the assembled distribution with a real Mosquitto: the
 * demo's pipeline (the synthetic camera replaying the Fashion-MNIST test images) runs the FP32 CNN,
 * installed as the seed in a signed package with the demo's preprocessing and labels. Over MQTT,
 * with Mosquitto's own clients: a calibration that cannot reach its target (full agreement on 999
 * held-out frames, nearly every test image, from ranges of one frame by entropy, one scale per
 * tensor: measured 0.985 to 0.992, SNR 12 dB, depending on the frame: 8 to 15 in 1,000 disagree)
 * is REJECTED and the FP32 version keeps serving; then a real one (percentile, per channel, 200 +
 * 200 frames) goes COLLECTING to ACTIVE and its INT8 version is what the pipeline runs; then INT4
 * weights (w4, GPTQ) made from the same FP32 version replace it.
 */
class CalibrationProcessTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final String GATEWAY = "gw-cal";
    private static final double TARGET = 0.98;

    @TempDir
    Path work;

    @Test
    void aCalibrationOverMqttActivatesAnInt8VersionOnlyWhenItAgreesWithTheFp32One() throws Exception {
        Path config = gatewayConfig(fp32Package());
        try (Mosquitto broker = Mosquitto.start(work);
             GatewayProcess gateway = GatewayProcess.start(DIST, work, broker.port, "run", "--config",
                     config.toString(), "--data", work.resolve("data").toString())) {
            int port = broker.port;
            gateway.awaitLine(line -> line.contains("Model seed: installed fashion-mnist 1"), WITHIN);
            gateway.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            gateway.awaitLine(line -> line.contains("Pipeline demo: sensor demo-camera -> model fashion-mnist 1 "),
                    WITHIN);

            JsonObject refused = ask(port, "calibrate", "{\"job\":\"cal-bad\",\"model\":\"fashion-mnist\","
                    + "\"pipeline\":\"demo\",\"targetAgreement\":1.01}");
            assertEquals("BAD_REQUEST", refused.getAsJsonObject("error").get("code").getAsString(), refused.toString());
            // cmd/cancel reaches the update receiver and the calibration command; neither knows this job.
            JsonObject unknown = ask(port, "cancel", "{\"job\":\"nobody\"}");
            assertEquals("NOT_FOUND", unknown.getAsJsonObject("error").get("code").getAsString(), unknown.toString());

            List<JsonObject> rejected = calibrate(port, "cal-poor", "{\"job\":\"cal-poor\",\"model\":\"fashion-mnist\","
                    + "\"pipeline\":\"demo\",\"frames\":1,\"holdout\":999,\"calibrator\":\"entropy\","
                    + "\"perChannel\":false,\"targetAgreement\":1.0,\"newVersion\":\"1-poor\"}");
            JsonObject poor = rejected.get(rejected.size() - 1);
            System.out.println("Calibration over MQTT, one frame, entropy, per tensor: " + poor);
            assertEquals("REJECTED", poor.get("state").getAsString(), poor.toString());
            assertTrue(poor.getAsJsonObject("report").get("agreement").getAsDouble() < 1.0, poor.toString());
            assertFalse(poor.getAsJsonObject("report").get("activated").getAsBoolean());
            assertTrue(ask(port, "status", "{}").toString().contains("\"name\":\"fashion-mnist\",\"version\":\"1\""));

            List<JsonObject> states = calibrate(port, "cal-good", "{\"job\":\"cal-good\",\"model\":\"fashion-mnist\","
                    + "\"pipeline\":\"demo\",\"frames\":200,\"holdout\":200,\"calibrator\":\"percentile\","
                    + "\"perChannel\":true,\"targetAgreement\":" + TARGET + "}");
            JsonObject done = states.get(states.size() - 1);
            System.out.println("Calibration over MQTT, 200 + 200 frames, percentile, per channel: " + done);
            assertEquals("ACTIVE", done.get("state").getAsString(), done.toString());
            List<String> seen = states.stream().map(s -> s.get("state").getAsString()).distinct().toList();
            assertEquals(List.of("COLLECTING", "CALIBRATING", "VALIDATING", "ACTIVATING", "ACTIVE"), seen);
            assertTrue(states.stream().anyMatch(s -> s.get("state").getAsString().equals("COLLECTING")
                    && s.get("framesCollected").getAsInt() > 0 && s.get("framesCollected").getAsInt() < 400));
            JsonObject report = done.getAsJsonObject("report");
            assertTrue(report.get("agreement").getAsDouble() >= TARGET, report.toString());
            assertEquals("1-int8", report.get("newVersion").getAsString());
            assertTrue(report.get("quantizedBytes").getAsLong() < report.get("fp32Bytes").getAsLong() / 2);
            gateway.awaitLine(line -> line.contains("Pipeline demo: sensor demo-camera -> model fashion-mnist 1-int8 "
                    + "(classification, with its package manifest)"), WITHIN);
            assertTrue(ask(port, "status", "{}").toString().contains(
                    "\"name\":\"fashion-mnist\",\"version\":\"1-int8\""));
            String models = ask(port, "list-models", "{}").toString();
            assertTrue(models.contains("\"served\":\"1-int8\"") && models.contains("\"rollbackTarget\":\"1\""), models);

            // Another scheme from the same FP32 version: INT4 weights rounded by GPTQ on 100 frames.
            List<JsonObject> int4 = calibrate(port, "cal-w4", "{\"job\":\"cal-w4\",\"model\":\"fashion-mnist\","
                    + "\"version\":\"1\",\"pipeline\":\"demo\",\"scheme\":\"w4\",\"rounding\":\"gptq\","
                    + "\"blockSize\":64,\"frames\":100,\"holdout\":200,\"targetAgreement\":" + TARGET + "}");
            JsonObject w4 = int4.get(int4.size() - 1);
            System.out.println("Calibration over MQTT, w4 GPTQ, 100 + 200 frames: " + w4);
            assertEquals("ACTIVE", w4.get("state").getAsString(), w4.toString());
            assertEquals("1-int4", w4.getAsJsonObject("report").get("newVersion").getAsString());
            assertEquals("gptq", w4.getAsJsonObject("report").get("rounding").getAsString());
            gateway.awaitLine(line -> line.contains("Pipeline demo: sensor demo-camera -> model fashion-mnist 1-int4 "),
                    WITHIN);
            JsonObject served = retained(port, "quantedge/" + GATEWAY + "/models/fashion-mnist");
            assertEquals("1-int4", served.get("version").getAsString(), served.toString());
            assertEquals(0, gateway.terminate(WITHIN), gateway.output());
        }
    }

    /** Sends cmd/calibrate with mosquitto_rr and follows its job topic with mosquitto_sub until it finishes. */
    private List<JsonObject> calibrate(int port, String job, String request) throws Exception {
        Process follow = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-q", "1",
                "-t", "quantedge/" + GATEWAY + "/jobs/" + job).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(follow.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the subscriber was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(300); // the subscription in place before the first report
        try {
            JsonObject accepted = ask(port, "calibrate", request);
            assertTrue(accepted.has("accepted") && accepted.get("accepted").getAsBoolean(), accepted.toString());
            List<JsonObject> reports = new ArrayList<>();
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                JsonObject report = JsonParser.parseString(line).getAsJsonObject();
                reports.add(report);
                String state = report.get("state").getAsString();
                if (List.of("ACTIVE", "REJECTED", "FAILED", "ROLLED_BACK").contains(state)) {
                    return reports;
                }
            }
            throw new AssertionError("job " + job + " did not finish; reports: " + reports);
        } finally {
            follow.destroy();
        }
    }

    /** The retained message on {@code topic}, read with mosquitto_sub. */
    private static JsonObject retained(int port, String topic) throws Exception {
        return JsonParser.parseString(MosquittoClients.run(20, List.of("mosquitto_sub", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-t", topic, "--retained-only", "-C", "1", "-W", "10"))).getAsJsonObject();
    }

    private JsonObject ask(int port, String command, String request) throws Exception {
        return JsonParser.parseString(MosquittoClients.lastLine(MosquittoClients.run(40, List.of("mosquitto_rr", "-h",
                "127.0.0.1", "-p", String.valueOf(port), "-t", "quantedge/" + GATEWAY + "/cmd/" + command, "-e",
                "replies/cal", "-m", request, "-W", "30")))).getAsJsonObject();
    }

    /** The FP32 CNN as fashion-mnist 1, with the demo's labels and preprocessing, signed by a key of the test's. */
    private Path fp32Package() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "keygen", "--out", work.resolve("owner").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        Path labels = Files.writeString(work.resolve("labels.txt"), String.join("\n", "T-shirt/top", "Trouser",
                "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot") + "\n");
        Path out = work.resolve("fashion-mnist-fp32.qmp");
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "package", "--model",
                MODELS.resolve("cnn_fp32.onnx").toString(), "--name", "fashion-mnist", "--version", "1",
                "--labels", labels.toString(), "--top-k", "3", "--preprocessing",
                "color=gray,layout=nchw,width=28,height=28,scale=0.00392156862745098,mean=0.2860,std=0.3530",
                "--test-vectors", "--key", work.resolve("owner.key").toString(), "--out", out.toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        return out;
    }

    /**
     * The shipped configuration with the FP32 package as the seed, its key trusted, a faster camera,
     * a fixed gateway id, and the site's broker (Mosquitto) instead of the embedded one.
     */
    private Path gatewayConfig(Path seed) throws Exception {
        Path config = GatewayProcess.shippedConfig(DIST, work.resolve("config"));
        Files.copy(work.resolve("owner.pub"), config.resolve("trusted-keys/owner.pub"));
        Files.writeString(config.resolve("io.quantedge.serving.seed~fashion-mnist.cfg.json"),
                "{\"model\": \"fashion-mnist\", \"packageFile\": \"" + seed + "\"}\n");
        Files.writeString(config.resolve("io.quantedge.sensor.synthetic~demo-camera.cfg.json"),
                "{\"quantedge.sensor.id\": \"demo-camera\", \"mode\": \"images\", \"framesPerSecond\": 200}\n");
        Files.writeString(config.resolve("io.quantedge.serving.cfg.json"),
                "{\"healthWindowRuns\": 20, \"healthWindowSeconds\": 10}\n");
        Path mqtt = config.resolve("io.quantedge.mqtt.cfg.json");
        Files.writeString(mqtt, Files.readString(mqtt).replace("\"gatewayId\": \"\"", "\"gatewayId\": \"" + GATEWAY
                + "\""));
        Files.delete(config.resolve("io.quantedge.broker.cfg.json"));
        return config;
    }
}
