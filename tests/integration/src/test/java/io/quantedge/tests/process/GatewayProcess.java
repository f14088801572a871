package io.quantedge.tests.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A {@code bin/quantedge} process whose merged output is collected line by line. */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private GatewayProcess(Process process) {
        this.process = process;
        reader = new Thread(this::collect, "gateway-output");
        reader.setDaemon(true);
        reader.start();
    }

    static GatewayProcess start(Path distribution, Path workDir, String... args) throws IOException {
        return start(distribution, workDir, freePort(), args);
    }

    /** With the embedded broker and the gateway's connection on {@code mqttPort}. */
    static GatewayProcess start(Path distribution, Path workDir, int mqttPort, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(distribution.resolve("bin/quantedge").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        // Its own MQTT port: the shipped configuration starts the embedded broker, and 1883 may be taken.
        builder.environment().put("JAVA_OPTS", "-Dquantedge.mqtt.port=" + mqttPort);
        return new GatewayProcess(builder.start());
    }

    /** The distribution's runtime-config with its trusted keys, copied into {@code config} to change it. */
    static Path shippedConfig(Path distribution, Path config) throws IOException {
        Files.createDirectories(config);
        Path shipped = distribution.resolve("runtime-config");
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = config.resolve(shipped.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        return config;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; what was read stays available
        }
    }

    /** Waits for the first line (from the start) matching {@code wanted}; fails with the whole output otherwise. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        return awaitLineAfter(0, wanted, timeout);
    }

    /** Lines printed so far; with {@link #awaitLineAfter}, to wait for something that happens next. */
    int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Waits for the first line at index {@code from} or later matching {@code wanted}. */
    String awaitLineAfter(int from, Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching line within " + timeout + "; output was:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM and waits for the exit code. Through the handle, because Process.destroy also
     * closes our end of the output pipe and the last lines would be lost.
     */
    /** Kills the process with SIGKILL, as a power cut or the OOM killer would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output was:\n" + output());
        }
        reader.join(5_000); // the last lines may still be in the pipe when the process is gone
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
