package io.quantedge.sensor.mjpeg;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A camera for the tests: the JDK's HTTP server answering a multipart/x-mixed-replace stream. Each
 * connection plays the next {@link Script}; once the scripts run out it answers 503, as a camera
 * that is rebooting would.
 */
final class MjpegServer implements AutoCloseable {

    /** What one connection sends. */
    interface Script {
        void play(Connection connection) throws Exception;
    }

    /** The stream of one connection. */
    static final class Connection {
        private final OutputStream out;

        Connection(OutputStream out) {
            this.out = out;
        }

        /** A part with a Content-Length header. */
        void part(byte[] jpeg) throws IOException {
            out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(jpeg);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** A part found only by the boundary after it. */
        void partWithoutLength(byte[] jpeg) throws IOException {
            out.write("--frame\r\nContent-Type: image/jpeg\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(jpeg);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** The headers and the first half of a part, then the connection is cut. */
        void cutInside(byte[] jpeg) throws IOException {
            out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(jpeg, 0, jpeg.length / 2);
            out.flush();
            throw new IOException("cut on purpose");
        }

        void end() throws IOException {
            out.write("--frame--\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<Script> scripts;
    private final String expectedAuthorization;
    final AtomicInteger connections = new AtomicInteger();
    final List<Integer> statuses = new CopyOnWriteArrayList<>();

    MjpegServer(List<Script> scripts, String user, String password) throws IOException {
        this.scripts = new ArrayList<>(scripts);
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/video.mjpg", this::serve);
        server.setExecutor(handlers); // a stalled connection must not hold up the next one
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/video.mjpg");
    }

    private void serve(HttpExchange exchange) throws IOException {
        int index = connections.getAndIncrement();
        if (expectedAuthorization != null
                && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"camera\"");
            respond(exchange, 401);
            return;
        }
        if (index >= scripts.size()) {
            respond(exchange, 503);
            return;
        }
        statuses.add(200);
        // The boundary announced with its dashes, as many cameras do.
        exchange.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace; boundary=--frame");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            scripts.get(index).play(new Connection(out));
        } catch (Exception cut) {
            // The stream is closed in the middle of a part: to the camera's reader, the connection dropped.
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange, int status) throws IOException {
        statuses.add(status);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
