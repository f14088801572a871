package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto's own command-line clients (mosquitto_pub, mosquitto_sub, mosquitto_rr), run against a
 * gateway as an operator would run them, each to its end.
 */
final class MosquittoClients {

    private MosquittoClients() {
    }

    /**
     * Runs {@code command} (a client and its arguments) and gives its output, stdout and stderr
     * together and trimmed. It must finish within {@code seconds} and exit 0; the clients' own
     * {@code -W} limit keeps a wait for a message shorter than that.
     */
    static String run(int seconds, List<String> command) throws Exception {
        Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(client.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, client.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** The last line of a client's output: mosquitto_rr's reply after anything it said first. */
    static String lastLine(String out) {
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }
}
