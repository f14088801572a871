package io.quantedge.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** A plain MQTT 5 client standing in for whoever watches the gateway's topics. */
public final class Watcher implements AutoCloseable {

    public final MqttClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    public record Received(String topic, String text, MqttMessage message) {
    }

    public Watcher(String uri, String... filters) throws Exception {
        client = new MqttClient(uri, "watcher-" + System.nanoTime(), null);
        client.connect();
        for (String filter : filters) {
            client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)},
                    new IMqttMessageListener[] {(topic, message) -> received.add(
                            new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message))});
        }
    }

    /** The next message on {@code topic} whose text contains {@code fragment}, waiting up to {@code seconds}. */
    public Received await(String topic, String fragment, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Received next = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no message on " + topic + " containing '" + fragment + "' within " + seconds
                        + " s");
            }
            if (next.topic().equals(topic) && next.text().contains(fragment)) {
                return next;
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
