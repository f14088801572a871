package io.quantedge.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Mosquitto broker for a test, on a free loopback port with its own configuration file,
 * started and stopped by the test (Debian's mosquitto; .ci/run installs it).
 */
public final class Mosquitto implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path config;
    private final Path log;
    public final int port;
    private Process process;

    private Mosquitto(Path dir, int port, List<String> extraLines) throws IOException {
        this.port = port;
        this.config = dir.resolve("mosquitto-" + port + ".conf");
        this.log = dir.resolve("mosquitto-" + port + ".log");
        StringBuilder text = new StringBuilder();
        text.append("listener ").append(port).append(" 127.0.0.1\n");
        text.append("allow_anonymous true\n");
        text.append("persistence false\n");
        // Started as root, Mosquitto drops to user "mosquitto", who cannot read the test's private files.
        text.append("user ").append(System.getProperty("user.name")).append('\n');
        extraLines.forEach(line -> text.append(line).append('\n'));
        Files.writeString(config, text);
    }

    /** A plain broker on a free port, started. */
    public static Mosquitto start(Path dir) throws Exception {
        return start(dir, List.of());
    }

    /** A broker with extra configuration lines (TLS, say), started. */
    public static Mosquitto start(Path dir, List<String> extraLines) throws Exception {
        Mosquitto broker = new Mosquitto(dir, freePort(), extraLines);
        broker.start();
        return broker;
    }

    /** A broker on a free port, not started yet. */
    public static Mosquitto notStarted(Path dir) throws IOException {
        return new Mosquitto(dir, freePort(), List.of());
    }

    /** The broker's log (what it said about connections, disconnections and protocol errors). */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public void start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install -y mosquitto mosquitto-clients");
        }
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port + ": " + Files.readString(log));
    }

    /** Freezes the broker (SIGSTOP): connections stay open but nothing is answered until it is killed. */
    public void pause() throws Exception {
        Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).inheritIO().start();
        if (stop.waitFor() != 0) {
            throw new IllegalStateException("kill -STOP " + process.pid() + " failed");
        }
    }

    /** Stops the broker as its service manager would (SIGTERM): it closes connections and saves what it persists. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    /** Kills the broker at once, as a crash or a cut cable would. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
