package io.quantedge.api.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's one MQTT 5 connection. Topics follow {@code {root}/{gateway}/...} for this gateway
 * and {@code {root}/group/{group}/...} for each group it belongs to; subscriptions made here are
 * renewed after every reconnect. Publishing never blocks on the network.
 */
@ProviderType
public interface GatewayConnection {

    /** This gateway's id, the second level of its topics. */
    String gatewayId();

    /** {@code {root}/{gateway}/} followed by {@code relative}, e.g. {@code topic("jobs/42")}. */
    String topic(String relative);

    /** {@code {root}/group/{group}/} followed by {@code relative}, for each group this gateway is in. */
    List<String> groupTopics(String relative);

    /** Whether the connection is up now (it may drop a moment later). */
    boolean isConnected();

    /**
     * Hands a message to the client for sending and returns at once; false when the connection is
     * down, and the message was not taken (the caller queues it or drops it, as it sees fit).
     *
     * <p>A retained message is the gateway's state on that topic, so the connection also keeps the
     * latest one per topic and publishes it again after every reconnect, including one published
     * while down: a broker that restarted without persistence learns the gateway's state again. An
     * empty retained payload clears the topic on the broker and here.
     */
    boolean publish(String topic, byte[] payload, int qos, boolean retained);

    /**
     * Like {@link #publish}, and says how it ended: the future completes when the broker has
     * acknowledged the message (QoS 1) or it has been written to the network (QoS 0), and fails when
     * the connection is down or the send fails. A failure means "not known to be delivered", not
     * "not delivered": Paho fails a QoS 1 send under way when the connection drops, yet resends it
     * itself after reconnecting, so a caller that sends it again gets at least once. A future may
     * also stay pending for long (a broker that never answers), so callers put their own time limit
     * on it. Connections that cannot tell complete it as soon as the message is taken.
     */
    default CompletableFuture<Void> publishConfirmed(String topic, byte[] payload, int qos, boolean retained) {
        return publish(topic, payload, qos, retained) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("not connected: not published on " + topic));
    }

    /**
     * Answers a request: publishes {@code payload} (QoS 1) to the request's response topic with its
     * correlation data. False when the request named no response topic or the connection is down.
     */
    boolean respond(IncomingMessage request, byte[] payload);

    /**
     * Subscribes {@code handler} to {@code topicFilter} now (if connected) and after every
     * reconnect, until the returned handle is closed. Handlers run one message at a time, off the
     * network thread, in arrival order per subscription.
     */
    Subscription subscribe(String topicFilter, int qos, MessageHandler handler);

    /** A subscription's handle. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
