package io.quantedge.results;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A consumer of the gateway's results, as a dashboard would be: a persistent MQTT 5 session (so a
 * broker that saves its sessions keeps its messages across a restart) that reconnects by itself and
 * keeps every message in arrival order.
 */
final class ResultCollector implements AutoCloseable {

    record Received(String topic, int qos, boolean retained, JsonObject json) {
        long frame() {
            return json.get("frame").getAsLong();
        }
    }

    private final MqttAsyncClient client;
    private final List<Received> received = new ArrayList<>();
    private final String filter;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final Thread reconnector = new Thread(this::reconnect, "collector-reconnect");
    private volatile boolean closing;

    ResultCollector(String uri, String filter) throws Exception {
        this.filter = filter;
        client = new MqttAsyncClient(uri, "collector-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                JsonObject json = JsonParser.parseString(new String(message.getPayload(), StandardCharsets.UTF_8))
                        .getAsJsonObject();
                synchronized (received) {
                    received.add(new Received(topic, message.getQos(), message.isRetained(), json));
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                try {
                    client.subscribe(new MqttSubscription(ResultCollector.this.filter, 1));
                } catch (MqttException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        client.connect(options).waitForCompletion(10_000);
        client.subscribe(new MqttSubscription(filter, 1)).waitForCompletion(10_000);
        reconnector.setDaemon(true);
        reconnector.start();
    }

    /**
     * Paho's own automatic reconnect was seen to wait up to a minute after the broker came back; a
     * consumer that reconnects within a fifth of a second keeps the tests short and their timing plain.
     */
    private void reconnect() {
        while (!closing) {
            try {
                if (!client.isConnected()) {
                    client.connect(options).waitForCompletion(2_000);
                }
            } catch (MqttException brokerStillDown) {
                // try again shortly
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Frames in the order they first arrived (a resent duplicate counts once, where it first came). */
    List<Long> distinctFrames() {
        Set<Long> frames = new LinkedHashSet<>();
        all().forEach(r -> frames.add(r.frame()));
        return List.copyOf(frames);
    }

    /** Waits until {@code count} distinct frames have arrived, or {@code seconds} have passed. */
    List<Long> awaitDistinct(int count, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (distinctFrames().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return distinctFrames();
    }

    /** Waits until no message has arrived for {@code quietMillis}. */
    void awaitQuiet(long quietMillis) throws InterruptedException {
        int seen = -1;
        while (seen != all().size()) {
            seen = all().size();
            Thread.sleep(quietMillis);
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        reconnector.interrupt();
        reconnector.join(5_000);
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
        } finally {
            client.close(true);
        }
    }
}
