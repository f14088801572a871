package io.quantedge.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a long outage the gateway finds the broker again within its configured longest wait. */
class ReconnectAfterOutageTest {

    @TempDir
    Path dir;

    @Test
    void waitsNoLongerThanReconnectMaxSecondsBetweenAttempts() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            MqttGatewayConnection gateway = new MqttGatewayConnection(TestOptions.mqtt(Map.of(
                    "serverUris", new String[] {broker.uri()}, "gatewayId", "gw-test",
                    "reconnectMinSeconds", 1, "reconnectMaxSeconds", 2)), new GatewayStatus("1"), TestOptions.loggers());
            try {
                awaitConnected(gateway, true, 15);
                broker.kill();
                awaitConnected(gateway, false, 10);
                // Twenty seconds of failed attempts: a wait that kept doubling would now be 16 s long.
                Thread.sleep(20_000);
                broker.start();
                long up = System.nanoTime();
                awaitConnected(gateway, true, 15);
                double seconds = (System.nanoTime() - up) / 1e9;
                assertTrue(seconds < 4.5, "reconnected " + seconds + " s after the broker came back; at most 2 s of "
                        + "waiting plus the connection itself were expected");
            } finally {
                gateway.stop();
            }
        }
    }

    private static void awaitConnected(MqttGatewayConnection gateway, boolean connected, long seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (gateway.isConnected() != connected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + (connected ? "connected" : "disconnected") + " within " + seconds
                        + " s");
            }
            Thread.sleep(20);
        }
    }
}
