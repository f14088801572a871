package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled distribution, run as an operator runs it: bin/quantedge run, signals, exit codes. */
class GatewayProcessTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Pattern READY = Pattern.compile("^QuantEdge ready: (\\d+) active bundles.*");
    private static final Duration READY_WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path work;

    @Test
    void runsLoadsADroppedBundleUnloadsItAndStopsCleanlyOnSigterm() throws Exception {
        Path load = work.resolve("load");
        try (GatewayProcess gateway = GatewayProcess.start(DIST, work, "run", "--load", load.toString(),
                "--data", work.resolve("data").toString())) {
            String ready = gateway.awaitLine(READY.asPredicate(), READY_WITHIN);
            Matcher count = READY.matcher(ready);
            assertTrue(count.matches());
            long expectedActive = 1 + jarCount(DIST.resolve("bundles/system")) + jarCount(DIST.resolve("bundles"));
            assertEquals(expectedActive, Long.parseLong(count.group(1)), gateway.output());
            assertEquals(1, gateway.output().lines().filter(l -> l.startsWith("QuantEdge ready:")).count());

            Path dropped = TestBundles.write(load.resolve("dropped.jar"), "io.quantedge.test.dropped", Map.of());
            gateway.awaitLine(l -> l.startsWith("Bundle started: io.quantedge.test.dropped 1.0.0"),
                    Duration.ofSeconds(10));

            Files.delete(dropped);
            gateway.awaitLine(l -> l.startsWith("Bundle stopped: io.quantedge.test.dropped"), Duration.ofSeconds(10));
            gateway.awaitLine(l -> l.startsWith("Bundle uninstalled: io.quantedge.test.dropped"),
                    Duration.ofSeconds(10));

            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.output());
            assertTrue(gateway.output().contains("QuantEdge stopped"), gateway.output());
        }
    }

    @Test
    void aRequiredBundleThatCannotResolveIsNamedAndTheExitCodeIsNonZero() throws Exception {
        Path dist = copyOfDistribution();
        TestBundles.write(dist.resolve("bundles/broken.jar"), "io.quantedge.test.broken",
                Map.of("Import-Package", "io.quantedge.nowhere"));
        try (GatewayProcess gateway = GatewayProcess.start(dist, work, "run")) {
            int exit = gateway.awaitExit(READY_WITHIN);
            String output = gateway.output();
            assertNotEquals(0, exit, output);
            assertTrue(output.contains("bundle io.quantedge.test.broken"), output);
            assertTrue(output.contains("io.quantedge.nowhere"), output); // the reason names the missing package
            assertTrue(output.lines().noneMatch(l -> l.startsWith("QuantEdge ready:")), output);
        }
    }

    @Test
    void anOptionalBundleThatCannotResolveIsReportedButTheGatewayRuns() throws Exception {
        Path dist = copyOfDistribution();
        TestBundles.write(dist.resolve("bundles/broken.jar"), "io.quantedge.test.optional",
                Map.of("Import-Package", "io.quantedge.nowhere", "QuantEdge-Optional", "true"));
        try (GatewayProcess gateway = GatewayProcess.start(dist, work, "run")) {
            gateway.awaitLine(READY.asPredicate(), READY_WITHIN);
            assertTrue(gateway.output().contains("optional bundle io.quantedge.test.optional"), gateway.output());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.output());
        }
    }

    @Test
    void helpDescribesTheCommandsAndAnUnknownOptionIsAUsageError() throws Exception {
        try (GatewayProcess help = GatewayProcess.start(DIST, work, "--help")) {
            assertEquals(0, help.awaitExit(Duration.ofSeconds(10)));
            assertTrue(help.output().contains("run       run the gateway"), help.output());
        }
        try (GatewayProcess wrong = GatewayProcess.start(DIST, work, "run", "--confg", "x")) {
            assertEquals(2, wrong.awaitExit(Duration.ofSeconds(10)));
            assertTrue(wrong.output().contains("unknown option '--confg'"), wrong.output());
        }
    }

    private Path copyOfDistribution() throws IOException {
        Path copy = work.resolve("quantedge");
        try (Stream<Path> files = Files.walk(DIST)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(DIST.relativize(source).toString());
                if (source.startsWith(DIST.resolve("data"))) {
                    continue; // state of an earlier run, not part of the distribution
                }
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    private static long jarCount(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).count();
        }
    }
}
