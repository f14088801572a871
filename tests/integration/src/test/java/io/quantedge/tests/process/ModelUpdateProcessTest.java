package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model owner's whole path on the assembled distribution: a key, a signed package, quantedge
 * push to a running gateway (its embedded broker), the job to ACTIVE, the model in cmd/status as
 * Mosquitto's own client asks it; a second version sent with mosquitto_pub alone; then the gateway
 * killed with SIGKILL and started again, serving the version it had.
 */
class ModelUpdateProcessTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void pushActivatesASignedModelThatSurvivesAKill() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "keygen", "--out", work.resolve("owner").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "package", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString(), "--name", "door-cam", "--version", "7",
                "--test-vectors", "--key", work.resolve("owner.key").toString(), "--out",
                work.resolve("door-cam-7.qmp").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        Path config = gatewayConfig();
        Path data = work.resolve("data");
        int port = GatewayProcess.freePort();
        try (GatewayProcess gateway = GatewayProcess.start(DIST, work, port, "run", "--config", config.toString(),
                "--data", data.toString())) {
            gateway.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            try (GatewayProcess push = GatewayProcess.start(DIST, work, "push", "--broker", "tcp://127.0.0.1:" + port,
                    "--gateway", "gw-e2e", work.resolve("door-cam-7.qmp").toString())) {
                assertEquals(0, push.awaitExit(WITHIN), push.output());
                assertTrue(push.output().contains("gw-e2e: ACTIVE door-cam 7"), push.output());
            }
            String status = ask(port, "status");
            assertTrue(status.contains("\"name\":\"door-cam\",\"version\":\"7\""), status);
            // Which kernel backend runs each kind of operation of the served model.
            assertTrue(status.matches(".*\"backends\":\\{[^}]*\"QLinearConv\":\"(native|vector|scalar)[^\"]*\".*"), status);
            String models = ask(port, "list-models");
            assertTrue(models.contains("\"served\":\"7\""), models);
            updateWithMosquittoClients(port);
            assertTrue(ask(port, "status").contains("\"name\":\"door-cam\",\"version\":\"8\""));
            gateway.kill();
        }
        try (GatewayProcess again = GatewayProcess.start(DIST, work, port, "run", "--config", config.toString(),
                "--data", data.toString())) {
            again.awaitLine(line -> line.contains("Serving door-cam version 8"), WITHIN);
            again.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            String status = ask(port, "status");
            assertTrue(status.contains("\"name\":\"door-cam\",\"version\":\"8\""), status);
            assertEquals(0, again.terminate(WITHIN), again.output());
        }
    }

    /**
     * Version 8 sent with nothing but Mosquitto's own clients: mosquitto_pub for the begin message and
     * each chunk (split here with plain file copies), mosquitto_sub following the job to ACTIVE.
     */
    private void updateWithMosquittoClients(int port) throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "package", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString(), "--name", "door-cam", "--version", "8",
                "--key", work.resolve("owner.key").toString(), "--out", work.resolve("door-cam-8.qmp").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
        }
        byte[] bytes = Files.readAllBytes(work.resolve("door-cam-8.qmp"));
        int chunkBytes = 32 * 1024;
        int chunks = (bytes.length + chunkBytes - 1) / chunkBytes;
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        Process follow = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                "quantedge/gw-e2e/jobs/by-hand", "-W", "60", "-v").redirectErrorStream(true).start();
        Thread.sleep(500);
        String topic = "quantedge/gw-e2e/update/by-hand/";
        mosquittoPub(port, topic + "begin", "-m", "{\"model\":\"door-cam\",\"version\":\"8\",\"sizeBytes\":"
                + bytes.length + ",\"sha256\":\"" + sha + "\",\"chunkBytes\":" + chunkBytes + ",\"chunks\":"
                + chunks + "}");
        for (int i = 0; i < chunks; i++) {
            Path part = work.resolve("part-" + i);
            Files.write(part, java.util.Arrays.copyOfRange(bytes, i * chunkBytes,
                    Math.min(bytes.length, (i + 1) * chunkBytes)));
            mosquittoPub(port, topic + "chunk/" + i, "-f", part.toString());
        }
        mosquittoPub(port, topic + "end", "-m", "{}");
        StringBuilder seen = new StringBuilder();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                follow.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                seen.append(line).append('\n');
                if (line.contains("\"ACTIVE\"") || line.contains("\"FAILED\"")) {
                    break;
                }
            }
        } finally {
            follow.destroy();
        }
        assertTrue(seen.toString().contains("\"state\":\"ACTIVE\""), seen.toString());
    }

    private static void mosquittoPub(int port, String topic, String... payload) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-q", "1", "-t", topic));
        command.addAll(List.of(payload));
        MosquittoClients.run(20, command);
    }

    /** The shipped configuration, with the owner's key trusted, a fixed gateway id and a short health window. */
    private Path gatewayConfig() throws IOException {
        Path config = Files.createDirectories(work.resolve("config"));
        try (Stream<Path> shipped = Files.list(DIST.resolve("runtime-config"))) {
            for (Path file : shipped.filter(Files::isRegularFile).toList()) {
                Files.copy(file, config.resolve(file.getFileName()));
            }
        }
        Path trusted = Files.createDirectories(config.resolve("trusted-keys"));
        Files.copy(work.resolve("owner.pub"), trusted.resolve("owner.pub"));
        Path mqtt = config.resolve("io.quantedge.mqtt.cfg.json");
        Files.writeString(mqtt, Files.readString(mqtt).replace("\"gatewayId\": \"\"", "\"gatewayId\": \"gw-e2e\""));
        // Nothing runs the model here, so the health window would wait its full minute before keeping a version.
        Files.writeString(config.resolve("io.quantedge.serving.cfg.json"),
                "{\"healthWindowRuns\": 20, \"healthWindowSeconds\": 2}\n");
        return config;
    }

    /** Asks a command with mosquitto_rr, as any MQTT 5 client would. */
    private static String ask(int port, String command) throws Exception {
        return MosquittoClients.lastLine(MosquittoClients.run(20, List.of("mosquitto_rr", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-t", "quantedge/gw-e2e/cmd/" + command, "-e", "replies/e2e", "-m", "{}", "-W",
                "15")));
    }
}
