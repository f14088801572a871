package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model owner's whole path on the assembled distribution: a key, a signed package, quantedge
 * push to a running gateway (its embedded broker), the job to ACTIVE, the model in cmd/status as
 * Mosquitto's own client asks it; then the gateway killed with SIGKILL and started again, serving
 * the same model.
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
            String models = ask(port, "list-models");
            assertTrue(models.contains("\"served\":\"7\""), models);
            gateway.kill();
        }
        try (GatewayProcess again = GatewayProcess.start(DIST, work, port, "run", "--config", config.toString(),
                "--data", data.toString())) {
            again.awaitLine(line -> line.contains("Serving door-cam version 7"), WITHIN);
            again.awaitLine(line -> line.contains("MQTT: connected"), WITHIN);
            String status = ask(port, "status");
            assertTrue(status.contains("\"name\":\"door-cam\",\"version\":\"7\""), status);
            assertEquals(0, again.terminate(WITHIN), again.output());
        }
    }

    /** The shipped configuration, with the owner's key trusted and a fixed gateway id. */
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
        return config;
    }

    /** Asks a command with mosquitto_rr, as any MQTT 5 client would. */
    private static String ask(int port, String command) throws Exception {
        Process rr = new ProcessBuilder("mosquitto_rr", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t",
                "quantedge/gw-e2e/cmd/" + command, "-e", "replies/e2e", "-m", "{}", "-W", "15")
                .redirectErrorStream(true).start();
        assertTrue(rr.waitFor(20, TimeUnit.SECONDS));
        String out = new String(rr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, rr.exitValue(), out);
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }
}
