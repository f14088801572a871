package io.quantedge.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.mqtt.IncomingMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's connection against a real Mosquitto: birth, clean stop, reconnects, subscriptions. */
class MqttGatewayConnectionTest {

    @TempDir
    Path dir;

    private MqttGatewayConnection gateway;

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private MqttGatewayConnection connect(String uri, Map<String, Object> more) throws Exception {
        Map<String, Object> options = new java.util.HashMap<>(Map.of("serverUris", new String[] {uri},
                "gatewayId", "gw-test", "reconnectMinSeconds", 1, "reconnectMaxSeconds", 2));
        options.putAll(more);
        gateway = new MqttGatewayConnection(TestOptions.mqtt(options), new GatewayStatus("1.2.3"),
                TestOptions.loggers());
        return gateway;
    }

    @Test
    void publishesARetainedBirthAndSaysOfflineOnACleanStop() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            connect(broker.uri(), Map.of());
            try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-test/status")) {
                Watcher.Received birth = watcher.await("quantedge/gw-test/status", "online", 15);
                JsonObject status = JsonParser.parseString(birth.text()).getAsJsonObject();
                assertEquals("1.2.3", status.get("version").getAsString());
                assertTrue(status.has("startedAt") && status.has("models") && status.has("backends"), birth.text());
                gateway.stop();
                gateway = null;
                watcher.await("quantedge/gw-test/status", "offline", 10);
            }
            // Retained: a client that comes later still learns the gateway is offline.
            try (Watcher late = new Watcher(broker.uri(), "quantedge/gw-test/status")) {
                assertTrue(late.await("quantedge/gw-test/status", "offline", 10).message().isRetained());
            }
        }
    }

    @Test
    void keepsTryingUntilTheBrokerComesUp() throws Exception {
        Mosquitto broker = Mosquitto.notStarted(dir);
        try (broker) {
            GatewayConnection connection = connect(broker.uri(), Map.of());
            Thread.sleep(1500);
            assertFalse(connection.isConnected());
            assertFalse(connection.publish("x", new byte[1], 0, false), "a publish while down is refused");
            broker.start();
            try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-test/status")) {
                watcher.await("quantedge/gw-test/status", "online", 20);
            }
        }
    }

    @Test
    void renewsSubscriptionsAfterTheBrokerRestarts() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            GatewayConnection connection = connect(broker.uri(), Map.of());
            BlockingQueue<IncomingMessage> received = new LinkedBlockingQueue<>();
            connection.subscribe(connection.topic("update/+/begin"), 1, received::add);
            try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-test/status")) {
                watcher.await("quantedge/gw-test/status", "online", 15);
            }
            // Mosquitto without persistence forgets every session: only our own renewal brings it back.
            broker.kill();
            broker.start();
            try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-test/status")) {
                watcher.await("quantedge/gw-test/status", "online", 20);
                watcher.client.publish("quantedge/gw-test/update/job-7/begin",
                        new MqttMessage("{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), 1, false, null));
            }
            IncomingMessage message = received.poll(10, TimeUnit.SECONDS);
            assertEquals("quantedge/gw-test/update/job-7/begin", message.topic());
            assertArrayEquals("{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), message.payload());
        }
    }

    @Test
    void groupTopicsFollowTheConfiguredGroups() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            GatewayConnection connection = connect(broker.uri(), Map.of("groups", new String[] {"canary", "site-3"}));
            assertEquals(List.of("quantedge/group/canary/update/+/begin", "quantedge/group/site-3/update/+/begin"),
                    connection.groupTopics("update/+/begin"));
            assertEquals("quantedge/gw-test/jobs/9", connection.topic("jobs/9"));
        }
    }

    @Test
    void aMessageInFlightWhenTheBrokerDiesIsResentUsablyAfterItRestarts() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            GatewayConnection connection = connect(broker.uri(), Map.of());
            String topic = connection.topic("jobs/j1");
            try (Watcher watcher = new Watcher(broker.uri(), "quantedge/gw-test/status", topic)) {
                watcher.await("quantedge/gw-test/status", "online", 15);
                assertTrue(connection.publish(topic, bytes("first"), 1, true));
                watcher.await(topic, "first", 10);
            }
            Thread.sleep(200);
            // A frozen broker never acknowledges: the second message on the topic stays in flight.
            // A client that gave it a topic alias on this connection would resend it with an alias the
            // restarted broker never saw, and be disconnected for it on every reconnect.
            broker.pause();
            assertTrue(connection.publish(topic, bytes("second"), 1, true));
            Thread.sleep(300);
            broker.kill();
            broker.start();
            try (Watcher status = new Watcher(broker.uri(), "quantedge/gw-test/status");
                 Watcher jobs = new Watcher(broker.uri(), topic)) {
                status.await("quantedge/gw-test/status", "online", 20);
                jobs.await(topic, "second", 10);
                Thread.sleep(2000);
                assertTrue(connection.isConnected(), "still connected after the resend");
                assertTrue(connection.publish(topic, bytes("third"), 1, true));
                jobs.await(topic, "third", 10);
            }
        }
    }

    @Test
    void retainedStateOutlivesABrokerThatForgetsIt() throws Exception {
        Mosquitto broker = Mosquitto.notStarted(dir);
        try (broker) {
            GatewayConnection connection = connect(broker.uri(), Map.of());
            // Published while down (a job recovered at start-up): not sent now, but not lost.
            assertFalse(connection.publish(connection.topic("jobs/early"), bytes("RECEIVING"), 1, true));
            broker.start();
            awaitRetained(broker, connection.topic("jobs/early"), "RECEIVING");
            assertTrue(connection.publish(connection.topic("jobs/done"), bytes("ACTIVE"), 1, true));
            assertTrue(connection.publish(connection.topic("jobs/early"), new byte[0], 1, true)); // pruned
            awaitRetained(broker, connection.topic("jobs/done"), "ACTIVE");
            // Mosquitto without persistence restarts empty: the gateway tells it its state again.
            broker.kill();
            broker.start();
            awaitRetained(broker, connection.topic("jobs/done"), "ACTIVE");
            try (Watcher late = new Watcher(broker.uri(), connection.topic("jobs/early"))) {
                assertThrows(AssertionError.class, () -> late.await(connection.topic("jobs/early"), "", 2),
                        "a cleared topic stays cleared");
            }
        }
    }

    private static void awaitRetained(Mosquitto broker, String topic, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Watcher late = new Watcher(broker.uri(), topic)) {
                if (late.await(topic, text, 2).message().isRetained()) {
                    return;
                }
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
