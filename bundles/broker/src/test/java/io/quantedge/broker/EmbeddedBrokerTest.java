package io.quantedge.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/** The embedded broker with real MQTT 5 clients: what the gateway relies on it for. */
class EmbeddedBrokerTest {

    private EmbeddedBroker broker;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        uri = "tcp://127.0.0.1:" + port;
        broker = new EmbeddedBroker(options("127.0.0.1", port, 4 * 1024 * 1024), quietLoggers());
    }

    @AfterEach
    void stop() throws Exception {
        broker.stop();
    }

    @Test
    void carriesMqtt5ResponseTopicAndCorrelationData() throws Exception {
        try (Client subscriber = new Client(uri, "subscriber"); Client publisher = new Client(uri, "publisher")) {
            BlockingQueue<MqttMessage> received = subscriber.subscribe("cmd/status");
            MqttProperties properties = new MqttProperties();
            properties.setResponseTopic("replies/1");
            properties.setCorrelationData(new byte[] {7, 8, 9});
            publisher.client.publish("cmd/status", new MqttMessage("{}".getBytes(), 1, false, properties));
            MqttMessage message = received.poll(10, TimeUnit.SECONDS);
            assertEquals("replies/1", message.getProperties().getResponseTopic());
            assertArrayEquals(new byte[] {7, 8, 9}, message.getProperties().getCorrelationData());
        }
    }

    @Test
    void keepsRetainedMessagesForLaterSubscribers() throws Exception {
        try (Client publisher = new Client(uri, "publisher")) {
            publisher.client.publish("gw/status", new MqttMessage("online".getBytes(), 1, true, null));
        }
        try (Client late = new Client(uri, "late")) {
            MqttMessage message = late.subscribe("gw/status").poll(10, TimeUnit.SECONDS);
            assertEquals("online", new String(message.getPayload()));
            assertTrue(message.isRetained());
        }
    }

    @Test
    void deliversAModelChunkOfTwoMebibytes() throws Exception {
        byte[] chunk = new byte[2 * 1024 * 1024];
        new java.util.Random(5).nextBytes(chunk);
        try (Client subscriber = new Client(uri, "gateway"); Client publisher = new Client(uri, "pusher")) {
            BlockingQueue<MqttMessage> received = subscriber.subscribe("update/job/chunk/0");
            publisher.client.publish("update/job/chunk/0", new MqttMessage(chunk, 1, false, null));
            assertArrayEquals(chunk, received.poll(20, TimeUnit.SECONDS).getPayload());
        }
    }

    @Test
    void publishesTheLastWillWhenAClientVanishes() throws Exception {
        try (Client watcher = new Client(uri, "watcher")) {
            BlockingQueue<MqttMessage> status = watcher.subscribe("gw/status");
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setWill("gw/status", new MqttMessage("offline".getBytes(), 1, true, null));
            MqttClient gateway = new MqttClient(uri, "gateway", null);
            gateway.connect(options);
            gateway.disconnectForcibly(0, 0, false); // no DISCONNECT packet: as if the process died
            gateway.close();
            MqttMessage will = status.poll(20, TimeUnit.SECONDS);
            assertEquals("offline", new String(will.getPayload()));
        }
    }

    /** A connected MQTT 5 client, disconnected on close. */
    private static final class Client implements AutoCloseable {
        final MqttClient client;

        Client(String uri, String id) throws Exception {
            client = new MqttClient(uri, id, null);
            client.connect();
        }

        BlockingQueue<MqttMessage> subscribe(String topic) throws Exception {
            BlockingQueue<MqttMessage> queue = new ArrayBlockingQueue<>(16);
            client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)},
                    new IMqttMessageListener[] {(t, message) -> queue.add(message)});
            return queue;
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    static BrokerOptions options(String host, int port, int maxPacketBytes) {
        return new BrokerOptions() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return BrokerOptions.class;
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public int maxPacketBytes() {
                return maxPacketBytes;
            }
        };
    }

    /** A LoggerFactory whose loggers drop everything (the tests read what clients receive, not logs). */
    static LoggerFactory quietLoggers() {
        Logger quiet = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> quiet);
    }
}
