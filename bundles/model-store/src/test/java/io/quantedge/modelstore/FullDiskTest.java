package io.quantedge.modelstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full file system: a 1 MiB tmpfs, filled to leave less and less room than a version
 * needs, so that staging runs out of space at each of its steps. Every attempt must fail with
 * NO_SPACE and leave the active version, the state and the staging folder as they were. Mounting
 * needs root; elsewhere the test is skipped.
 */
class FullDiskTest {

    @TempDir
    Path work;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void runningOutOfSpaceAtAnyStepOfStagingLeavesTheStoreAsItWas() throws Exception {
        Path point = Files.createDirectories(work.resolve("tmpfs"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", point.toString()),
                "cannot mount a tmpfs here (needs root)");
        mount = point;
        StorePackages fixture = new StorePackages(work.resolve("packages"));
        List<String> failures = new ArrayList<>();
        try (FileModelStore store = FileModelStore.open(new StoreSettings(mount.resolve("store"), 3, 0),
                fixture.packages, e -> { })) {
            store.stage(fixture.write("cam", "1"));
            store.markValidated("cam", "1");
            store.activate("cam", "1");
            // The package holds about 117 KB: from far too little room to just too little.
            for (int left = 40_000; left <= 132_000; left += 4_000) {
                Path file = fixture.write("cam", "2");
                fill(mount.resolve("filler"), left);
                try {
                    store.stage(file);
                    break; // there was room after all, and with more left there is too
                } catch (ModelStoreException e) {
                    assertEquals(ModelStoreException.Code.NO_SPACE, e.code(), e.getMessage());
                    failures.add(e.getMessage());
                } catch (PackageException e) {
                    assertEquals(PackageException.Code.NO_SPACE, e.code(), e.getMessage());
                    failures.add(e.getMessage());
                }
                assertEquals(List.of("1"), store.versions("cam").stream().map(StoredModel::version).toList());
                assertEquals("1", store.active("cam").orElseThrow().version());
                assertEquals(List.of(), Recovery.list(mount.resolve("store/.staging")));
                assertEquals(List.of("1"), Recovery.list(mount.resolve("store/cam/versions")).stream()
                        .map(p -> p.getFileName().toString()).toList());
            }
        }
        assertTrue(failures.stream().anyMatch(m -> m.contains("No space left on device")),
                "some attempt ran into the full disk itself, not only into a check: " + failures);
        Files.delete(mount.resolve("filler"));
        try (FileModelStore reopened = FileModelStore.open(new StoreSettings(mount.resolve("store"), 3, 0),
                fixture.packages, e -> { })) {
            assertEquals("1", reopened.active("cam").orElseThrow().version());
            assertEquals(List.of(), reopened.recoveryProblems());
        }
    }

    /** Rewrites {@code filler} so that about {@code leave} bytes stay free. */
    private static void fill(Path filler, long leave) throws IOException {
        Files.deleteIfExists(filler);
        long bytes = Files.getFileStore(filler.getParent()).getUsableSpace() - leave;
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (long written = 0; written + block.length <= bytes; written += block.length) {
                out.write(block);
            }
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
