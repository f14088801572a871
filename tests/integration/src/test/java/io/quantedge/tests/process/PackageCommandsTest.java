package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantedge keygen}, {@code package} and {@code verify} as a model owner runs them on the distribution. */
class PackageCommandsTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../models"))
            .toAbsolutePath().normalize();
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void aKeyAPackageWithTestVectorsAndAVerificationAgainstTheTrustedKey() throws Exception {
        String keyId;
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "keygen", "--out", work.resolve("release").toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            Matcher id = Pattern.compile("Key id: +([0-9a-f]{64})").matcher(p.output());
            assertTrue(id.find(), p.output());
            keyId = id.group(1);
        }
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("release.key"))));

        Path labels = Files.write(work.resolve("labels.txt"), List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
                "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));
        Path qmp = work.resolve("fashion-1.qmp");
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "package", "--model",
                MODELS.resolve("cnn_qdq_per_channel.onnx").toString(), "--name", "fashion", "--version", "1",
                "--labels", labels.toString(), "--test-vectors", "--key", work.resolve("release.key").toString(),
                "--out", qmp.toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("Signed by key " + keyId), p.output());
            assertTrue(p.output().contains("Test vectors: 1 case"), p.output());
        }

        // The distribution trusts no key out of the box.
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "verify", "--package", qmp.toString())) {
            assertEquals(5, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("UNTRUSTED_SIGNATURE"), p.output());
            assertTrue(p.output().contains(DIST.resolve("runtime-config/trusted-keys").toString()), p.output());
        }
        Path trusted = Files.createDirectories(work.resolve("trusted-keys"));
        Files.copy(work.resolve("release.pub"), trusted.resolve("release.pub"));
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "verify", "--package", qmp.toString(),
                "--trusted-keys", trusted.toString())) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("is valid: fashion version 1"), p.output());
            assertTrue(p.output().contains("test-vectors/output-0.npy"), p.output());
        }
    }

    @Test
    void theCommandsAreListedAndAWrongCommandLineExitsWithTwo() throws Exception {
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "--help")) {
            assertEquals(0, p.awaitExit(WITHIN), p.output());
            for (String command : List.of("keygen", "package", "verify")) {
                assertTrue(p.output().lines().anyMatch(l -> l.startsWith("  " + command + " ")), p.output());
            }
        }
        try (GatewayProcess p = GatewayProcess.start(DIST, work, "package", "--model", "x.onnx")) {
            assertEquals(2, p.awaitExit(WITHIN), p.output());
            assertTrue(p.output().contains("--model, --name, --version and --out are required"), p.output());
        }
    }
}
