package io.quantedge.modelstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.store.StoredModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: a child JVM installs versions in a loop and is killed with SIGKILL
 * while it runs; after each kill the store is opened again and must serve a complete version
 * whose every file matches its hash, the last one the child activated or the one it was
 * switching to, with no partial version or temporary file in sight.
 */
class CrashSafetyTest {

    private static final int KILLS = 50;
    /** After this many activations (0 to 2, at random) and up to this long more, the child is killed. */
    private static final int MAX_ACTIVATIONS = 2;
    private static final int MAX_EXTRA_MILLIS = 60;

    @TempDir
    Path work;

    @Test
    void afterAKillAtAnyMomentTheStoreServesTheLastGoodVersionWhole() throws Exception {
        StorePackages fixture = new StorePackages(work.resolve("packages"));
        Path directory = work.resolve("store");
        Random random = new Random(20261122);
        Optional<String> served = Optional.empty();
        int installs = 0;
        Set<String> servedVersions = new HashSet<>();
        Map<String, Integer> cleanups = new TreeMap<>();

        for (int kill = 0; kill < KILLS; kill++) {
            List<String> lines = runAndKill(fixture, directory, random.nextLong(), random.nextInt(MAX_ACTIVATIONS + 1),
                    random.nextInt(MAX_EXTRA_MILLIS));

            // What the child saw completed, and the switch it may have been in the middle of.
            Set<String> allowed = new HashSet<>();
            Optional<String> lastActive = served;
            Optional<String> switching = Optional.empty();
            for (String line : lines) {
                if (line.startsWith("active ")) {
                    lastActive = Optional.of(line.substring(7));
                    switching = Optional.empty();
                    installs++;
                } else if (line.startsWith("switching to ")) {
                    switching = Optional.of(line.substring(13));
                }
            }
            lastActive.ifPresent(allowed::add);
            switching.ifPresent(allowed::add);

            try (FileModelStore store = FileModelStore.open(new StoreSettings(directory, 3, 0), fixture.packages,
                    e -> { })) {
                Optional<StoredModel> active = store.active("cam");
                if (lastActive.isPresent()) {
                    assertTrue(active.isPresent(), "kill " + kill + ": nothing active; child said " + lines);
                    assertTrue(allowed.contains(active.get().version()), "kill " + kill + ": active "
                            + active.get().version() + ", expected one of " + allowed + "; child said " + lines);
                    assertWhole(store, active.get());
                    servedVersions.add(active.get().version());
                }
                assertOnlyRecordedVersionsOnDisk(store, directory);
                store.recoveryActions().forEach(a -> cleanups.merge(a.replaceAll("'[0-9]+'", "'N'"), 1, Integer::sum));
                served = active.map(StoredModel::version);
            }
        }
        assertTrue(installs >= KILLS / 2, "the children installed " + installs + " versions");
        assertTrue(servedVersions.size() > 10, "versions served after kills: " + servedVersions);
        // Kills landed inside operations, and opening the store cleaned up after them.
        assertFalse(cleanups.isEmpty(), "no kill interrupted an operation: " + cleanups);
    }

    /**
     * Starts the child, lets it make {@code activations} activations once it is ready and work
     * {@code millis} more (counting progress rather than time alone, so a busy machine still kills
     * at every stage), kills it, and returns what it printed. Its output goes to a file, not a pipe: killing a process through {@link Process}
     * closes the pipe, and with it whatever the child wrote that was not read yet.
     */
    private List<String> runAndKill(StorePackages fixture, Path directory, long seed, int activations, long millis)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = work.resolve("child.out");
        Process child = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), StoreCrashChild.class.getName(), directory.toString(),
                fixture.trustedKeys.toString(), work.resolve("child").toString(), String.valueOf(seed))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readAllLines(output).contains("ready")
                    || Files.readAllLines(output).stream().filter(l -> l.startsWith("active ")).count() < activations) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("the child did not get ready or make progress: " + Files.readString(output));
                }
                Thread.sleep(5);
            }
            Thread.sleep(millis);
            if (!child.isAlive()) {
                fail("the child stopped by itself: " + Files.readString(output));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, no flushing
            child.waitFor(30, TimeUnit.SECONDS);
        }
        return Files.readAllLines(output);
    }

    /** Every file of the version is there and matches its hash; version.txt says which version it is. */
    private static void assertWhole(FileModelStore store, StoredModel active) throws Exception {
        VerifiedPackage contents = store.contents("cam", active.version());
        assertEquals(active.version() + "\n", Files.readString(contents.file("version.txt")));
        assertEquals(active.sha256(), contents.manifest().modelFile().sha256());
    }

    /** The version folders are exactly the recorded versions; nothing is staged or half-written. */
    private static void assertOnlyRecordedVersionsOnDisk(FileModelStore store, Path directory) throws IOException {
        List<String> recorded = store.versions("cam").stream().map(StoredModel::version).sorted().toList();
        List<String> folders = Recovery.list(directory.resolve("cam/versions")).stream()
                .map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(recorded, folders);
        assertEquals(List.of(), Recovery.list(directory.resolve(".staging")));
        try (Stream<Path> all = Files.walk(directory)) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file is left");
        }
    }
}
