package io.quantedge.mqtt.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.quantedge.mqtt.GatewayStatus;
import io.quantedge.mqtt.Mosquitto;
import io.quantedge.mqtt.MqttGatewayConnection;
import io.quantedge.mqtt.TestOptions;
import io.quantedge.mqtt.Watcher;
import io.quantedge.mqtt.push.PushRunner;
import io.quantedge.serving.GatewayModelServer;
import io.quantedge.serving.StoreWithPackages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model updates end to end against a real Mosquitto: quantedge push to the receiver, the real
 * store (signatures, hashes), the real model server (validation, swap), and every refusal on the
 * job topic with the previous model still served.
 */
class UpdateOverMqttTest {

    @TempDir
    Path dir;

    private Mosquitto broker;
    private StoreWithPackages parts;
    private GatewayModelServer server;
    private MqttGatewayConnection connection;
    private ModelUpdateReceiver receiver;
    private ServedModelPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.start(dir);
        parts = new StoreWithPackages(Files.createDirectories(dir.resolve("gateway")));
        server = parts.server(1, 0, 0.1);
        connection = new MqttGatewayConnection(TestOptions.mqtt(Map.of("serverUris", new String[] {broker.uri()},
                "gatewayId", "gw-1")), new GatewayStatus("t"), TestOptions.loggers());
        startReceiver();
        try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-1/status")) {
            watcher.await("quantedge/gw-1/status", "online", 15);
        }
        Thread.sleep(300);
    }

    private void startReceiver() throws Exception {
        if (publisher != null) {
            server.removeListener(publisher);
        }
        publisher = new ServedModelPublisher(connection);
        server.addListener(publisher);
        receiver = new ModelUpdateReceiver(connection, parts.store, server, TestOptions.loggers()
                .getLogger(ModelUpdateReceiver.class), limits(8L << 20), dir.resolve("staging"));
    }

    @AfterEach
    void stop() throws Exception {
        receiver.stop();
        connection.stop();
        server.stop();
        parts.close();
        broker.close();
    }

    private int push(Path packageFile, String job, ByteArrayOutputStream out) throws Exception {
        return PushRunner.run(List.of("--broker", broker.uri(), "--gateway", "gw-1", "--job", job, "--chunk-bytes",
                String.valueOf(CHUNK_BYTES), "--timeout", "60", packageFile.toString()), new PrintStream(out, true),
                new PrintStream(new ByteArrayOutputStream(), true));
    }

    private static final int CHUNK_BYTES = 8192;

    @Test
    void aSignedPackageGoesThroughEveryStateToActive() throws Exception {
        Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/job-1")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, push(pkg, "job-1", out), out.toString());
            List<String> states = new ArrayList<>();
            for (String state : List.of("RECEIVING", "VERIFYING", "VALIDATING", "ACTIVATING", "ACTIVE")) {
                states.add(state(jobs.await("quantedge/gw-1/jobs/job-1", "\"" + state + "\"", 20)));
            }
            assertEquals(List.of("RECEIVING", "VERIFYING", "VALIDATING", "ACTIVATING", "ACTIVE"), states);
        }
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
        try (Watcher models = new Watcher(broker.uri(), "quantedge/gw-1/models/door-cam")) {
            JsonObject model = JsonParser.parseString(models.await("quantedge/gw-1/models/door-cam", "door-cam", 10)
                    .text()).getAsJsonObject();
            assertEquals("1", model.get("version").getAsString());
        }
        // The same job id again: the gateway answers its outcome, and installs nothing twice.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertEquals(0, push(pkg, "job-1", again), again.toString());
    }

    @Test
    void refusesUnsignedUntrustedAndTamperedPackagesAndKeepsServing() throws Exception {
        Path good = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        assertEquals(0, push(good, "install-1", new ByteArrayOutputStream()));
        Map<String, Path> bad = Map.of(
                "UNSIGNED", parts.write("door-cam", "2", StoreWithPackages.CNN, Optional.empty(), Optional.empty()),
                "UNTRUSTED_SIGNATURE", parts.write("door-cam", "3", StoreWithPackages.CNN, Optional.empty(),
                        Optional.of(parts.untrustedKey())));
        for (Map.Entry<String, Path> refused : bad.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(1, push(refused.getValue(), "bad-" + refused.getKey(), out), out.toString());
            assertTrue(out.toString().contains("FAILED " + refused.getKey()), out.toString());
        }
        // A chunk changed on the way: the hash the begin message announced no longer matches.
        Path tampered = dir.resolve("tampered.qmp");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(tampered, bytes);
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/tamper")) {
            sendRaw(tampered, "tamper", index -> index == 0, true);
            JsonObject report = report(jobs.await("quantedge/gw-1/jobs/tamper", "FAILED", 20));
            assertEquals("HASH_MISMATCH", report.getAsJsonObject("error").get("code").getAsString());
        }
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
    }

    @Test
    void refusesMalformedBeginMessagesAndChunksOutsideTheJob() throws Exception {
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/+")) {
            String sha = "0".repeat(64);
            begin("j-json", "{not json");
            assertEquals("BAD_REQUEST", code(jobs.await("quantedge/gw-1/jobs/j-json", "FAILED", 10)));
            begin("j-field", "{\"model\":\"m\",\"version\":\"1\",\"sizeBytes\":10,\"sha256\":\"" + sha
                    + "\",\"chunkBytes\":10,\"chunks\":1,\"priority\":\"high\"}");
            JsonObject unknown = report(jobs.await("quantedge/gw-1/jobs/j-field", "FAILED", 10));
            assertTrue(unknown.toString().contains("unknown field 'priority'"), unknown.toString());
            begin("j-big", "{\"model\":\"m\",\"version\":\"1\",\"sizeBytes\":999999999999,\"sha256\":\"" + sha
                    + "\",\"chunkBytes\":65536,\"chunks\":15258789}");
            assertEquals("TOO_LARGE", code(jobs.await("quantedge/gw-1/jobs/j-big", "FAILED", 10)));
            begin("j-range", "{\"model\":\"m\",\"version\":\"1\",\"sizeBytes\":20,\"sha256\":\"" + sha
                    + "\",\"chunkBytes\":10,\"chunks\":2}");
            jobs.await("quantedge/gw-1/jobs/j-range", "RECEIVING", 10);
            publish("quantedge/gw-1/update/j-range/chunk/7", new byte[10]);
            assertEquals("BAD_CHUNK", code(jobs.await("quantedge/gw-1/jobs/j-range", "FAILED", 10)));
        }
    }

    @Test
    void resumesAfterTheGatewayRestartsMidTransferAndAsksOnlyForWhatItMisses() throws Exception {
        Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/resume")) {
            int chunks = sendRaw(pkg, "resume", index -> index % 2 == 0, false);
            Thread.sleep(500);
            receiver.stop(); // the gateway goes down with half the chunks on disk...
            startReceiver(); // ...and comes back: it names the chunks it misses
            JsonObject report = report(jobs.await("quantedge/gw-1/jobs/resume", "missing", 20));
            List<Integer> missing = report.getAsJsonArray("missing").asList().stream().map(e -> e.getAsInt()).toList();
            List<Integer> odd = new ArrayList<>();
            for (int i = 1; i < chunks; i += 2) {
                odd.add(i);
            }
            assertEquals(odd, missing);
            // quantedge push with the same job id: the gateway answers with what it misses, and only that is sent.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, push(pkg, "resume", out), out.toString());
        }
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
    }

    @Test
    void aPushRidesOutABrokerKilledMidTransfer() throws Exception {
        Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread pusher;
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/outage")) {
            pusher = new Thread(() -> {
                try {
                    exit.set(PushRunner.run(List.of("--broker", broker.uri(), "--gateway", "gw-1", "--job", "outage",
                            "--chunk-bytes", "512", "--timeout", "90", pkg.toString()), new PrintStream(out, true),
                            new PrintStream(out, true)));
                } catch (Exception e) {
                    e.printStackTrace(new PrintStream(out, true));
                }
            });
            pusher.start();
            jobs.await("quantedge/gw-1/jobs/outage", "\"progress\":0.1", 30);
        }
        broker.kill(); // mid-transfer: the gateway and the pusher both lose the broker
        Thread.sleep(1500);
        broker.start();
        pusher.join(120_000);
        assertEquals(0, exit.get(), out.toString());
        assertTrue(out.toString().contains("gw-1: ACTIVE door-cam 1"), out.toString());
        // The transfer resumed: the tenth the gateway had before the broker died was not sent again.
        Matcher counts = Pattern.compile("(\\d+) chunks sent, (\\d+) resent")
                .matcher(out.toString());
        assertTrue(counts.find(), out.toString());
        int chunks = Integer.parseInt(counts.group(1));
        assertTrue(Integer.parseInt(counts.group(2)) <= chunks - chunks / 10, out.toString());
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
    }

    @Test
    void theNewestJobForAModelSupersedesOneStillReceiving() throws Exception {
        Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/abandoned")) {
            sendRaw(pkg, "abandoned", index -> index < 3, false); // the sender gives up after three chunks
            jobs.await("quantedge/gw-1/jobs/abandoned", "RECEIVING", 10);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, push(pkg, "newer", out), out.toString());
            assertEquals("SUPERSEDED", code(jobs.await("quantedge/gw-1/jobs/abandoned", "FAILED", 10)));
        }
        assertEquals("1", server.run("door-cam", StoreWithPackages.cnnInput(1)).version());
    }

    @Test
    void refusesAZipSlipAndATruncatedPackageSentOverMqtt() throws Exception {
        Path good = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        // Signed and listed as before, plus an entry that would land outside the version's folder.
        Path slip = dir.resolve("slip.qmp");
        try (ZipFile original = new ZipFile(good.toFile());
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(slip))) {
            for (ZipEntry entry : java.util.Collections.list(original.entries())) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                original.getInputStream(entry).transferTo(zip);
            }
            zip.putNextEntry(new ZipEntry("../../escaped.txt"));
            zip.write("outside".getBytes(StandardCharsets.UTF_8));
        }
        Path truncated = dir.resolve("truncated.qmp");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/+")) {
            sendRaw(slip, "slip", index -> true, false);
            JsonObject refused = report(jobs.await("quantedge/gw-1/jobs/slip", "FAILED", 20));
            assertEquals("UNSAFE_ENTRY", refused.getAsJsonObject("error").get("code").getAsString(), refused.toString());
            sendRaw(truncated, "truncated", index -> true, false);
            JsonObject cut = report(jobs.await("quantedge/gw-1/jobs/truncated", "FAILED", 20));
            assertEquals("MALFORMED", cut.getAsJsonObject("error").get("code").getAsString(), cut.toString());
        }
        assertTrue(Files.notExists(dir.resolve("escaped.txt")) && Files.notExists(dir.resolve("gateway/escaped.txt")));
        assertEquals(NOT_SERVED, servedVersion());
    }

    @Test
    void underLoadAPushSwapsWithoutAFailedRequestAndBadVersionsLeaveTheGoodOneServing() throws Exception {
        receiver.stop();
        server.stop();
        server = parts.server(10, 30, 0.2); // a health window that needs ten runs of the new version
        startReceiver();
        parts.stage("door-cam", "1", StoreWithPackages.CNN, Optional.empty());
        server.deploy("door-cam", "1", (step, detail) -> { });
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean countFailures = new AtomicBoolean(true);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> perVersion = new ConcurrentHashMap<>();
        Thread camera = new Thread(() -> {
            while (running.get()) {
                try {
                    String version = server.run("door-cam", StoreWithPackages.cnnInput(7)).version();
                    perVersion.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet();
                } catch (Exception e) {
                    if (countFailures.get()) {
                        failures.add(e);
                    }
                }
            }
        });
        camera.start();
        try {
            Path passing = parts.write("door-cam", "2", StoreWithPackages.CNN, Optional.of(parts.cnnVector(false)),
                    Optional.of(parts.trustedKey()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, push(passing, "v2", out), out.toString());
            Path failing = parts.write("door-cam", "3", StoreWithPackages.CNN, Optional.of(parts.cnnVector(true)),
                    Optional.of(parts.trustedKey()));
            out.reset();
            assertEquals(1, push(failing, "v3", out), out.toString());
            assertTrue(out.toString().contains("gw-1: FAILED VALIDATION_FAILED"), out.toString());
            assertEquals(List.of(), failures, "no request failed or was dropped while versions changed");
            // Loads and passes its smoke run, but fails on the camera's images: the window rolls it back.
            countFailures.set(false);
            Path breaching = parts.write("door-cam", "4", StoreWithPackages.OTHER, Optional.empty(),
                    Optional.of(parts.trustedKey()));
            out.reset();
            assertEquals(1, push(breaching, "v4", out), out.toString());
            assertTrue(out.toString().contains("gw-1: ROLLED_BACK"), out.toString());
        } finally {
            running.set(false);
            camera.join();
        }
        assertTrue(perVersion.get("1").get() > 0 && perVersion.get("2").get() > 0, perVersion.toString());
        assertEquals("2", servedVersion());
        try (Watcher models = new Watcher(broker.uri(), "quantedge/gw-1/models/door-cam")) {
            assertTrue(models.await("quantedge/gw-1/models/door-cam", "\"version\":\"2\"", 10).message().isRetained());
        }
    }

    /** Not only update jobs change what is served: cmd/rollback does too, and the retained topic follows. */
    @Test
    void theRetainedModelTopicFollowsARollback() throws Exception {
        for (String version : List.of("1", "2")) {
            Path pkg = parts.write("door-cam", version, StoreWithPackages.CNN, Optional.empty(),
                    Optional.of(parts.trustedKey()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, push(pkg, "v" + version, out), out.toString());
        }
        try (Watcher models = new Watcher(broker.uri(), "quantedge/gw-1/models/door-cam")) {
            models.await("quantedge/gw-1/models/door-cam", "\"version\":\"2\"", 10);
        }
        String reply = new ModelCommands.Rollback(server).execute("{\"model\":\"door-cam\",\"reason\":\"test\"}");
        assertTrue(reply.contains("\"version\":\"1\""), reply);
        try (Watcher models = new Watcher(broker.uri(), "quantedge/gw-1/models/door-cam")) {
            JsonObject model = JsonParser.parseString(models.await("quantedge/gw-1/models/door-cam",
                    "\"version\":\"1\"", 10).text()).getAsJsonObject();
            assertEquals("2", model.get("previousVersion").getAsString(), model.toString());
        }
    }

    @Test
    void aGroupPushReachesEveryGatewayInTheGroup() throws Exception {
        receiver.stop();
        connection.stop();
        connection = new MqttGatewayConnection(TestOptions.mqtt(Map.of("serverUris", new String[] {broker.uri()},
                "gatewayId", "gw-1", "groups", new String[] {"canary"})), new GatewayStatus("t"), TestOptions.loggers());
        startReceiver();
        // A second gateway in the group, with its own store, trusting the same release key.
        Path second = Files.createDirectories(dir.resolve("gw-2/keys"));
        Files.copy(dir.resolve("gateway/keys/release.pub"), second.resolve("shared.pub"));
        try (StoreWithPackages otherParts = new StoreWithPackages(dir.resolve("gw-2"))) {
            GatewayModelServer otherServer = otherParts.server(1, 0, 0.1);
            MqttGatewayConnection otherConnection = new MqttGatewayConnection(TestOptions.mqtt(Map.of("serverUris",
                    new String[] {broker.uri()}, "gatewayId", "gw-2", "groups", new String[] {"canary"})),
                    new GatewayStatus("t"), TestOptions.loggers());
            ModelUpdateReceiver otherReceiver = new ModelUpdateReceiver(otherConnection, otherParts.store, otherServer,
                    TestOptions.loggers().getLogger(ModelUpdateReceiver.class), limits(8L << 20),
                    dir.resolve("gw-2/staging"));
            try (Watcher status = new Watcher(broker.uri(), "quantedge/+/status")) {
                status.await("quantedge/gw-1/status", "online", 15);
            }
            try {
                Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(),
                        Optional.of(parts.trustedKey()));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertEquals(0, PushRunner.run(List.of("--broker", broker.uri(), "--group", "canary", "--expect", "2",
                        "--job", "canary-1", "--timeout", "60", pkg.toString()), new PrintStream(out, true),
                        new PrintStream(out, true)), out.toString());
                assertTrue(out.toString().contains("gw-1: ACTIVE door-cam 1"), out.toString());
                assertTrue(out.toString().contains("gw-2: ACTIVE door-cam 1"), out.toString());
                assertEquals("1", otherServer.run("door-cam", StoreWithPackages.cnnInput(1)).version());
                assertEquals("1", servedVersion());
            } finally {
                otherReceiver.stop();
                otherConnection.stop();
                otherServer.stop();
            }
        }
    }

    @Test
    void downloadsAPackageFromTheUrlItsBeginNamesWithTheSameChecks() throws Exception {
        Path pkg = parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(), Optional.of(parts.trustedKey()));
        byte[] bytes = Files.readAllBytes(pkg);
        byte[] other = Files.readAllBytes(parts.write("door-cam", "1", StoreWithPackages.CNN, Optional.empty(),
                Optional.of(parts.untrustedKey())));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = switch (exchange.getRequestURI().getPath()) {
                case "/door-cam-1.qmp" -> bytes;
                case "/swapped.qmp" -> other;
                default -> null;
            };
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
        try (Watcher jobs = new Watcher(broker.uri(), "quantedge/gw-1/jobs/+")) {
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
            String announce = "{\"model\":\"door-cam\",\"version\":\"1\",\"sizeBytes\":" + bytes.length
                    + ",\"sha256\":\"" + sha + "\",\"url\":\"" + base + "%s\"}";
            begin("missing", announce.formatted("nowhere.qmp"));
            assertEquals("DOWNLOAD_FAILED", code(jobs.await("quantedge/gw-1/jobs/missing", "FAILED", 20)));
            begin("swapped", announce.formatted("swapped.qmp").replace("\"sizeBytes\":" + bytes.length,
                    "\"sizeBytes\":" + other.length));
            assertEquals("HASH_MISMATCH", code(jobs.await("quantedge/gw-1/jobs/swapped", "FAILED", 20)));
            // quantedge push --url: the gateway downloads the package; push still follows the job.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, PushRunner.run(List.of("--broker", broker.uri(), "--gateway", "gw-1", "--job", "by-url",
                    "--url", base + "door-cam-1.qmp", "--timeout", "60", pkg.toString()), new PrintStream(out, true),
                    new PrintStream(out, true)), out.toString());
            assertTrue(out.toString().contains("gw-1: ACTIVE door-cam 1"), out.toString());
        } finally {
            http.stop(0);
        }
        assertEquals("1", servedVersion());
    }

    private static final String NOT_SERVED = "(not served)";

    private String servedVersion() {
        return server.served("door-cam").map(m -> m.version()).orElse(NOT_SERVED);
    }

    /** Sends begin and the chunks {@code sent} selects (changed when {@code corrupt}), then end when all were sent. */
    private int sendRaw(Path pkg, String job, java.util.function.IntPredicate sent, boolean corrupt) throws Exception {
        byte[] bytes = Files.readAllBytes(pkg);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(bytes));
        int chunkBytes = CHUNK_BYTES;
        int chunks = (bytes.length + chunkBytes - 1) / chunkBytes;
        begin(job, "{\"model\":\"door-cam\",\"version\":\"1\",\"sizeBytes\":" + bytes.length + ",\"sha256\":\"" + sha
                + "\",\"chunkBytes\":" + chunkBytes + ",\"chunks\":" + chunks + "}");
        boolean all = true;
        for (int i = 0; i < chunks; i++) {
            if (!sent.test(i) && !corrupt) {
                all = false;
                continue;
            }
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, i * chunkBytes, Math.min(bytes.length,
                    (i + 1) * chunkBytes));
            if (corrupt && sent.test(i)) {
                chunk[chunk.length / 2] ^= 1;
            }
            publish("quantedge/gw-1/update/" + job + "/chunk/" + i, chunk);
        }
        if (all) {
            publish("quantedge/gw-1/update/" + job + "/end", "{}".getBytes(StandardCharsets.UTF_8));
        }
        return chunks;
    }

    private void begin(String job, String json) throws Exception {
        publish("quantedge/gw-1/update/" + job + "/begin", json.getBytes(StandardCharsets.UTF_8));
    }

    private void publish(String topic, byte[] payload) throws Exception {
        try (Watcher sender = new Watcher(broker.uri())) {
            sender.client.publish(topic, new MqttMessage(payload, 1, false, null));
        }
    }

    private static String state(Watcher.Received received) {
        return report(received).get("state").getAsString();
    }

    private static String code(Watcher.Received received) {
        return report(received).getAsJsonObject("error").get("code").getAsString();
    }

    private static JsonObject report(Watcher.Received received) {
        return JsonParser.parseString(received.text()).getAsJsonObject();
    }

    static UpdateOptions limits(long maxPackageBytes) {
        return (UpdateOptions) Proxy.newProxyInstance(UpdateOptions.class.getClassLoader(),
                new Class<?>[] {UpdateOptions.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "maxPackageBytes" -> maxPackageBytes;
                    case "annotationType" -> UpdateOptions.class;
                    default -> method.getDefaultValue();
                });
    }
}
