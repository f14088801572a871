package io.quantedge.mqtt;

import io.quantedge.api.mqtt.GatewayConnection.Subscription;
import io.quantedge.api.mqtt.IncomingMessage;
import io.quantedge.api.mqtt.MessageHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

/**
 * The subscriptions other bundles hold, kept here rather than in the client because Paho forgets
 * per-subscription listeners when a connection drops: every message arrives through one callback
 * and is handed to each subscription whose filter matches, on that subscription's own serial
 * queue, so a slow handler delays only its own messages and never the network thread.
 */
final class SubscriptionRegistry {

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final ExecutorService workers;
    private final Consumer<Throwable> failures;

    SubscriptionRegistry(ExecutorService workers, Consumer<Throwable> failures) {
        this.workers = workers;
        this.failures = failures;
    }

    Entry add(String filter, int qos, MessageHandler handler, Consumer<Entry> onClose) {
        MqttTopicValidator.validate(filter, true, true);
        Entry entry = new Entry(filter, qos, handler, new SerialQueue(workers), onClose);
        entries.add(entry);
        return entry;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Hands the message to every matching subscription; true if one took it. */
    boolean dispatch(IncomingMessage message) {
        boolean taken = false;
        for (Entry entry : entries) {
            if (MqttTopicValidator.isMatched(entry.filter, message.topic())) {
                taken = true;
                entry.queue.execute(() -> {
                    try {
                        entry.handler.handle(message);
                    } catch (Exception | LinkageError e) {
                        failures.accept(new IllegalStateException("handler of " + entry.filter + " failed on "
                                + message.topic() + ": " + e, e));
                    }
                });
            }
        }
        return taken;
    }

    /** One subscription: its filter, QoS and handler. */
    final class Entry implements Subscription {
        final String filter;
        final int qos;
        private final MessageHandler handler;
        private final SerialQueue queue;
        private final Consumer<Entry> onClose;

        private Entry(String filter, int qos, MessageHandler handler, SerialQueue queue, Consumer<Entry> onClose) {
            this.filter = filter;
            this.qos = qos;
            this.handler = handler;
            this.queue = queue;
            this.onClose = onClose;
        }

        @Override
        public void close() {
            if (entries.remove(this)) {
                onClose.accept(this);
            }
        }
    }
}
