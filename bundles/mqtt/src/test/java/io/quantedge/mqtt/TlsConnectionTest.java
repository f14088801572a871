package io.quantedge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against Mosquitto configured to require client certificates, with a CA, a server and a
 * client certificate made by openssl for the test.
 */
class TlsConnectionTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=QuantEdge test CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem",
                "-days", "2", "-subj", "/CN=Someone else's CA");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        signed("server", "/CN=127.0.0.1", "server.ext");
        signed("client", "/CN=gw-tls", null);
    }

    private static void signed(String name, String subject, String extensions) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
                subject);
        List<String> sign = new java.util.ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2"));
        if (extensions != null) {
            sign.addAll(List.of("-extfile", extensions));
        }
        openssl(sign.toArray(new String[0]));
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "openssl " + String.join(" ", args) + ": " + out);
    }

    private static Mosquitto tlsBroker() throws Exception {
        return Mosquitto.start(dir, List.of("cafile " + dir.resolve("ca.pem"), "certfile " + dir.resolve("server.pem"),
                "keyfile " + dir.resolve("server.key"), "require_certificate true"));
    }

    private static MqttGatewayConnection gateway(Mosquitto broker, String ca, boolean clientCertificate)
            throws Exception {
        Map<String, Object> options = new java.util.HashMap<>(Map.of(
                "serverUris", new String[] {"ssl://127.0.0.1:" + broker.port}, "gatewayId", "gw-tls",
                "caCertificateFile", dir.resolve(ca).toString(), "reconnectMinSeconds", 1));
        if (clientCertificate) {
            options.put("clientCertificateFile", dir.resolve("client.pem").toString());
            options.put("clientKeyFile", dir.resolve("client.key").toString());
        }
        return new MqttGatewayConnection(TestOptions.mqtt(options), new GatewayStatus("t"), TestOptions.loggers());
    }

    @Test
    void connectsWithItsClientCertificateAndIsSeenByATlsClient() throws Exception {
        try (Mosquitto broker = tlsBroker()) {
            MqttGatewayConnection gateway = gateway(broker, "ca.pem", true);
            try {
                Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port),
                        "--cafile", dir.resolve("ca.pem").toString(), "--cert", dir.resolve("client.pem").toString(),
                        "--key", dir.resolve("client.key").toString(), "-t", "quantedge/gw-tls/status", "-C", "1",
                        "-W", "15").redirectErrorStream(true).start();
                String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(sub.waitFor(20, TimeUnit.SECONDS));
                assertTrue(out.contains("\"state\":\"online\""), out);
                assertTrue(gateway.isConnected());
            } finally {
                gateway.stop();
            }
        }
    }

    @Test
    void staysOutWithoutAClientCertificate() throws Exception {
        assertNeverConnects("ca.pem", false);
    }

    @Test
    void refusesABrokerSignedByAnotherCa() throws Exception {
        assertNeverConnects("other-ca.pem", true);
    }

    /** The broker (or the gateway) refuses the handshake, attempt after attempt. */
    private static void assertNeverConnects(String ca, boolean clientCertificate) throws Exception {
        try (Mosquitto broker = tlsBroker()) {
            MqttGatewayConnection gateway = gateway(broker, ca, clientCertificate);
            try {
                Thread.sleep(4000);
                assertFalse(gateway.isConnected());
            } finally {
                gateway.stop();
            }
        }
    }
}
