package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.modelpackage.KeyFiles;
import io.quantedge.modelpackage.PackageFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway killed with SIGKILL at a random moment of an install, round after round: every
 * restart serves a version that was sent (loading it is the proof it is whole), the interrupted job
 * reports where it stands (still receiving, failed, or done; never stuck half-way), and no
 * temporary file survives the restart.
 */
class UpdateCrashTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODEL = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize().resolve("cnn_qdq_per_channel.onnx");
    private static final int ROUNDS = Integer.getInteger("crash.rounds", 50);
    /** An install takes 0.7 to 1 s here: kills land before, during and after one. */
    private static final int KILL_WINDOW_MILLIS = 1500;
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Set<String> SETTLED = Set.of("RECEIVING", "FAILED", "ACTIVE");

    @TempDir
    Path work;

    @Test
    void everyRestartAfterAKillServesAWholeVersion() throws Exception {
        Path keys = Files.createDirectories(work.resolve("keys"));
        KeyFiles.generate(keys.resolve("owner"));
        PrivateKey key = KeyFiles.readPrivateKey(keys.resolve("owner.key"));
        PackageFiles packages = PackageFiles.trusting(keys);
        Path config = config(keys.resolve("owner.pub"));
        Path data = work.resolve("data");
        int port = GatewayProcess.freePort();
        Random random = new Random(20261122);
        Set<String> sent = new TreeSet<>();
        Set<String> servedVersions = new TreeSet<>();
        Map<String, Integer> interrupted = new java.util.TreeMap<>();
        String servedBefore = null;
        long killedAfter = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            try (GatewayProcess gateway = GatewayProcess.start(DIST, work, port, "run", "--config", config.toString(),
                    "--data", data.toString())) {
                gateway.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
                MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "crash-test-" + round, null);
                try {
                    client.connect();
                    JsonObject status = ask(client, "status");
                    String served = servedVersion(status);
                    if (servedBefore != null) {
                        assertTrue(served != null && sent.contains(served), "round " + round + ": serves " + served
                                + " after a kill; sent " + sent + "\n" + gateway.output());
                    }
                    if (round > 1) {
                        String state = retainedJobState(client, "round-" + (round - 1));
                        assertTrue(state == null || SETTLED.contains(state), "round " + round + ": the job killed "
                                + "in the round before is " + state);
                        interrupted.merge(String.valueOf(state), 1, Integer::sum);
                        System.out.println("round " + (round - 1) + ": killed " + killedAfter + " ms into the send; job "
                                + state + ", serving " + served);
                    }
                    assertEquals(List.of(), leftovers(data), "temporary files after a restart");
                    servedBefore = served;
                    if (served != null) {
                        servedVersions.add(served);
                    }
                    String version = String.valueOf(round);
                    byte[] bytes = packageBytes(packages, key, version);
                    sent.add(version);
                    long killAfter = random.nextInt(KILL_WINDOW_MILLIS);
                    killedAfter = killAfter;
                    String job = "round-" + round;
                    Thread sender = new Thread(() -> send(client, job, version, bytes));
                    sender.start();
                    Thread.sleep(killAfter);
                    gateway.kill();
                    sender.join(10_000);
                } finally {
                    client.disconnectForcibly(0, 0, false);
                    client.close(true);
                }
            }
        }
        // The kills must have hit installs at different points, or the rounds proved little.
        System.out.println("Update crash rounds: versions served after kills " + servedVersions
                + "; killed jobs found as " + interrupted);
        assertTrue(servedVersions.size() >= 3, "too few installs completed before a kill: " + servedVersions);
        assertTrue(interrupted.keySet().stream().filter(s -> !s.equals("ACTIVE")).count() >= 1,
                "no kill interrupted a job: " + interrupted);
        // No job is found only when the kill came before the gateway read its begin message; a job
        // cut off earlier must not keep later ones from starting.
        assertTrue(interrupted.getOrDefault("null", 0) <= ROUNDS / 5, "jobs that never began: " + interrupted);
    }

    private byte[] packageBytes(PackageFiles packages, PrivateKey key, String version) throws Exception {
        Path file = work.resolve("door-cam-" + version + ".qmp");
        packages.write(new PackageContents("door-cam", version, "model.onnx", Map.of("model.onnx", MODEL),
                List.of(new InputSpec("input", Optional.empty())),
                List.of(new OutputSpec("logits", Optional.empty(), Optional.empty())), Optional.empty(), List.of()),
                Optional.of(key), file);
        return Files.readAllBytes(file);
    }

    /** Begin, chunks, end, as fast as the broker takes them; the gateway may die at any point of it. */
    private static void send(MqttClient client, String job, String version, byte[] bytes) {
        int chunkBytes = 16 * 1024;
        int chunks = (bytes.length + chunkBytes - 1) / chunkBytes;
        String topic = "quantedge/gw-crash/update/" + job + "/";
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            client.publish(topic + "begin", new MqttMessage(("{\"model\":\"door-cam\",\"version\":\"" + version
                    + "\",\"sizeBytes\":" + bytes.length + ",\"sha256\":\"" + sha + "\",\"chunkBytes\":" + chunkBytes
                    + ",\"chunks\":" + chunks + "}").getBytes(StandardCharsets.UTF_8), 1, false, null));
            for (int i = 0; i < chunks; i++) {
                client.publish(topic + "chunk/" + i, new MqttMessage(Arrays.copyOfRange(bytes, i * chunkBytes,
                        Math.min(bytes.length, (i + 1) * chunkBytes)), 1, false, null));
            }
            client.publish(topic + "end", new MqttMessage("{}".getBytes(StandardCharsets.UTF_8), 1, false, null));
        } catch (Exception brokerWentWithTheGateway) {
            // The embedded broker dies with the gateway: what was sent is what the round tests.
        }
    }

    private static JsonObject ask(MqttClient client, String command) throws Exception {
        BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(1);
        String replyTopic = "replies/crash-test/" + System.nanoTime();
        client.subscribe(new MqttSubscription[] {new MqttSubscription(replyTopic, 1)},
                new IMqttMessageListener[] {(topic, message) -> replies.offer(message.getPayload())});
        MqttProperties properties = new MqttProperties();
        properties.setResponseTopic(replyTopic);
        properties.setCorrelationData(new byte[] {1});
        client.publish("quantedge/gw-crash/cmd/" + command, new MqttMessage("{}".getBytes(StandardCharsets.UTF_8), 1,
                false, properties));
        byte[] reply = replies.poll(20, TimeUnit.SECONDS);
        assertTrue(reply != null, "no reply to " + command);
        return JsonParser.parseString(new String(reply, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static String servedVersion(JsonObject status) {
        return status.getAsJsonArray("models").asList().stream().map(m -> m.getAsJsonObject())
                .filter(m -> m.get("name").getAsString().equals("door-cam")).map(m -> m.get("version").getAsString())
                .findFirst().orElse(null);
    }

    /** The job's retained state, or null when the gateway had not even begun it. */
    private static String retainedJobState(MqttClient client, String job) throws Exception {
        BlockingQueue<byte[]> states = new ArrayBlockingQueue<>(16);
        client.subscribe(new MqttSubscription[] {new MqttSubscription("quantedge/gw-crash/jobs/" + job, 1)},
                new IMqttMessageListener[] {(topic, message) -> states.offer(message.getPayload())});
        byte[] state = states.poll(3, TimeUnit.SECONDS);
        return state == null ? null
                : JsonParser.parseString(new String(state, StandardCharsets.UTF_8)).getAsJsonObject().get("state")
                        .getAsString();
    }

    private static List<Path> leftovers(Path data) throws Exception {
        if (!Files.exists(data)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .filter(p -> !p.startsWith(data.resolve("cache"))).toList();
        }
    }

    /** The shipped configuration, the owner's key trusted, a fixed gateway id and no health window wait. */
    private Path config(Path publicKey) throws Exception {
        Path config = Files.createDirectories(work.resolve("config"));
        try (Stream<Path> shipped = Files.list(DIST.resolve("runtime-config"))) {
            for (Path file : shipped.filter(Files::isRegularFile).toList()) {
                Files.copy(file, config.resolve(file.getFileName()));
            }
        }
        Files.copy(publicKey, Files.createDirectories(config.resolve("trusted-keys")).resolve("owner.pub"));
        Path mqtt = config.resolve("io.quantedge.mqtt.cfg.json");
        Files.writeString(mqtt, Files.readString(mqtt).replace("\"gatewayId\": \"\"", "\"gatewayId\": \"gw-crash\""));
        Files.writeString(config.resolve("io.quantedge.serving.cfg.json"),
                "{\"healthWindowRuns\": 1, \"healthWindowSeconds\": 0}\n");
        return config;
    }
}
