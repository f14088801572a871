package io.quantedge.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A small tmpfs mounted for one test, so "disk full" is a real ENOSPC; mounting needs root. */
final class Tmpfs implements AutoCloseable {

    final Path root;

    private Tmpfs(Path root) {
        this.root = root;
    }

    /** A tmpfs of {@code size} (mount's notation: 1m) at {@code point}, or empty where it cannot be mounted. */
    static Optional<Tmpfs> mount(Path point, String size) throws IOException, InterruptedException {
        Files.createDirectories(point);
        return succeeds("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", point.toString())
                ? Optional.of(new Tmpfs(point)) : Optional.empty();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        succeeds("umount", root.toString());
    }

    private static boolean succeeds(String... command) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noSuchCommand) {
            return false;
        }
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
