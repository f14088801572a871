package io.quantedge.mqtt;

import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.mqtt.IncomingMessage;
import io.quantedge.api.mqtt.MessageHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The gateway's MQTT 5 connection. It keeps trying to connect (with doubling waits) until the
 * broker answers, after which Paho reconnects by itself; on every (re)connection it renews the
 * subscriptions, publishes the gateway's retained messages again, then the retained birth on
 * {@code status}. The last will marks the gateway
 * offline if it vanishes; a clean stop says so itself before disconnecting.
 */
@Component(service = GatewayConnection.class, immediate = true, configurationPid = "io.quantedge.mqtt",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MqttOptions.class)
public final class MqttGatewayConnection implements GatewayConnection, MqttCallback {

    private static final int STATUS_QOS = 1;
    private static final long STOP_WAIT_MILLIS = 2_000;
    /** Failures this soon after start are expected (the embedded broker starts alongside) and logged quietly. */
    private static final long STARTUP_GRACE_NANOS = 10_000_000_000L;

    private final Logger log;
    private final TopicNames topics;
    private final GatewayStatus status;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions connectOptions;
    private final ReconnectDelay delay;
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "quantedge-mqtt-connect"));
    private final ExecutorService handlers = Executors.newCachedThreadPool(
            runnable -> daemon(runnable, "quantedge-mqtt-handler"));
    private final SubscriptionRegistry subscriptions;
    private final OutgoingTopicAliases aliases;
    private final RetainedTopics retained = new RetainedTopics();
    /** True from the end of connectComplete to the next loss: only then may the gateway publish. */
    private volatile boolean ready;
    private volatile boolean stopping;
    private volatile boolean everConnected;
    private final long activatedAt = System.nanoTime();

    @Activate
    public MqttGatewayConnection(MqttOptions options, @Reference GatewayStatus status,
                                 @Reference LoggerFactory loggers) throws Exception {
        this.log = loggers.getLogger(MqttGatewayConnection.class);
        this.status = status;
        String gatewayId = options.gatewayId().isBlank() ? hostName() : options.gatewayId().trim();
        this.topics = new TopicNames(options.topicRoot(), gatewayId, List.of(options.groups()));
        String clientId = options.clientId().isBlank() ? "quantedge-" + gatewayId : options.clientId().trim();
        String[] uris = options.serverUris();
        if (uris.length == 0) {
            throw new IllegalArgumentException("io.quantedge.mqtt: serverUris is empty");
        }
        this.client = new MqttAsyncClient(uris[0], clientId, new MemoryPersistence());
        this.aliases = OutgoingTopicAliases.of(client);
        this.connectOptions = ConnectionSettings.of(options, topics.gateway("status"),
                GatewayStatus.offline().toString().getBytes(StandardCharsets.UTF_8));
        this.delay = new ReconnectDelay(options.reconnectMinSeconds(), options.reconnectMaxSeconds());
        this.subscriptions = new SubscriptionRegistry(handlers, e -> log.error(e.getMessage(), e));
        client.setCallback(this);
        log.info("MQTT: connecting to {} as {} (gateway {})", String.join(", ", uris), clientId, gatewayId);
        connector.execute(this::connect);
    }

    private void connect() {
        if (stopping) {
            return;
        }
        try {
            client.connect(connectOptions, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    delay.reset();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    retryLater(failure);
                }
            });
        } catch (MqttException e) {
            retryLater(e);
        }
    }

    private void retryLater(Throwable failure) {
        if (stopping) {
            return;
        }
        long seconds = delay.next();
        if (!everConnected && System.nanoTime() - activatedAt < STARTUP_GRACE_NANOS) {
            log.info("MQTT: broker not reachable yet ({}); retrying in {} s", failure.getMessage(), seconds);
        } else {
            log.warn("MQTT: cannot connect ({}); retrying in {} s", failure.getMessage(), seconds);
        }
        try {
            connector.schedule(this::connect, seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // stop() came between the check above and here: nothing more to try
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        everConnected = true;
        aliases.disable();
        ready = true;
        // Subscriptions first: the broker takes one connection's packets in order, so once a client
        // sees the birth (or this log line), commands it sends are heard.
        for (SubscriptionRegistry.Entry entry : subscriptions.entries()) {
            subscribeOnBroker(entry.filter, entry.qos);
        }
        String statusTopic = topics.gateway("status");
        synchronized (retained) {
            for (RetainedTopics.Message message : retained.all()) {
                if (!message.topic().equals(statusTopic)) {
                    send(message.topic(), new MqttMessage(message.payload(), message.qos(), true, new MqttProperties()));
                }
            }
        }
        publish(statusTopic, status.online().toString().getBytes(StandardCharsets.UTF_8), STATUS_QOS, true);
        log.info("MQTT: {} {}", reconnect ? "reconnected to" : "connected to", serverUri);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        ready = false;
        if (!stopping) {
            log.warn("MQTT: connection lost ({}); reconnecting", response.getReasonString() != null
                    ? response.getReasonString() : String.valueOf(response.getException()));
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT: {}", exception.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        MqttProperties properties = message.getProperties();
        Optional<String> responseTopic = Optional.ofNullable(properties == null ? null : properties.getResponseTopic());
        Optional<byte[]> correlation = Optional.ofNullable(properties == null ? null : properties.getCorrelationData());
        Optional<String> contentType = Optional.ofNullable(properties == null ? null : properties.getContentType());
        Map<String, String> userProperties = new HashMap<>();
        if (properties != null && properties.getUserProperties() != null) {
            for (UserProperty property : properties.getUserProperties()) {
                userProperties.put(property.getKey(), property.getValue());
            }
        }
        subscriptions.dispatch(new IncomingMessage(topic, message.getPayload(), message.isRetained(), responseTopic,
                correlation, contentType, userProperties));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }

    @Override
    public String gatewayId() {
        return topics.gatewayId();
    }

    @Override
    public String topic(String relative) {
        return topics.gateway(relative);
    }

    @Override
    public List<String> groupTopics(String relative) {
        return topics.groups(relative);
    }

    @Override
    public boolean isConnected() {
        return ready && client.isConnected();
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retain) {
        return remembering(topic, payload, qos, retain,
                () -> send(topic, new MqttMessage(payload, qos, retain, new MqttProperties())));
    }

    /**
     * Runs {@code send}; a retained message is remembered first, and both happen under the lock a
     * replay after a reconnect takes, so a replay never overtakes a newer state.
     */
    private <T> T remembering(String topic, byte[] payload, int qos, boolean retain, Supplier<T> send) {
        if (!retain) {
            return send.get();
        }
        synchronized (retained) {
            retained.remember(topic, payload, qos);
            return send.get();
        }
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(String topic, byte[] payload, int qos, boolean retained) {
        return remembering(topic, payload, qos, retained, () -> sendConfirmed(topic, payload, qos, retained));
    }

    private CompletableFuture<Void> sendConfirmed(String topic, byte[] payload, int qos, boolean retained) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        if (!isConnected()) {
            outcome.completeExceptionally(new IllegalStateException("not connected: not published on " + topic));
            return outcome;
        }
        try {
            client.publish(topic, new MqttMessage(payload, qos, retained, new MqttProperties()), null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            // MQTT 5 brokers may refuse a message in the PUBACK (not authorised, quota exceeded).
                            int[] codes = token.getReasonCodes();
                            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                                outcome.completeExceptionally(new IllegalStateException("broker refused the message on "
                                        + topic + " with reason code 0x" + Integer.toHexString(codes[0])));
                            } else {
                                outcome.complete(null);
                            }
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable failure) {
                            outcome.completeExceptionally(failure != null ? failure
                                    : new IllegalStateException("not published on " + topic));
                        }
                    });
        } catch (MqttException e) {
            outcome.completeExceptionally(e);
        }
        return outcome;
    }

    @Override
    public boolean respond(IncomingMessage request, byte[] payload) {
        if (request.responseTopic().isEmpty()) {
            return false;
        }
        MqttProperties properties = new MqttProperties();
        request.correlationData().ifPresent(properties::setCorrelationData);
        return send(request.responseTopic().get(), new MqttMessage(payload, 1, false, properties));
    }

    private boolean send(String topic, MqttMessage message) {
        if (!isConnected()) {
            return false;
        }
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException e) {
            log.warn("MQTT: not published on {}: {}", topic, e.getMessage());
            return false;
        }
    }

    @Override
    public Subscription subscribe(String topicFilter, int qos, MessageHandler handler) {
        SubscriptionRegistry.Entry entry = subscriptions.add(topicFilter, qos, handler, this::unsubscribeOnBroker);
        if (isConnected()) {
            subscribeOnBroker(topicFilter, qos);
        }
        return entry;
    }

    private void subscribeOnBroker(String filter, int qos) {
        try {
            client.subscribe(new MqttSubscription(filter, qos));
        } catch (MqttException e) {
            // The next reconnect subscribes again.
            log.warn("MQTT: cannot subscribe to {}: {}", filter, e.getMessage());
        }
    }

    private void unsubscribeOnBroker(SubscriptionRegistry.Entry closed) {
        boolean stillWanted = subscriptions.entries().stream().anyMatch(entry -> entry.filter.equals(closed.filter));
        if (!stillWanted && client.isConnected()) {
            try {
                client.unsubscribe(closed.filter);
            } catch (MqttException e) {
                log.debug("MQTT: cannot unsubscribe from {}: {}", closed.filter, e.getMessage());
            }
        }
    }

    @Deactivate
    public void stop() {
        stopping = true;
        connector.shutdownNow();
        try {
            if (client.isConnected()) {
                client.publish(topics.gateway("status"), new MqttMessage(
                        GatewayStatus.offline().toString().getBytes(StandardCharsets.UTF_8), STATUS_QOS, true,
                        new MqttProperties())).waitForCompletion(STOP_WAIT_MILLIS);
                client.disconnect(STOP_WAIT_MILLIS).waitForCompletion(STOP_WAIT_MILLIS);
            }
        } catch (MqttException e) {
            log.warn("MQTT: unclean stop: {}", e.getMessage());
        } finally {
            try {
                client.close(true);
            } catch (MqttException e) {
                log.debug("MQTT: close: {}", e.getMessage());
            }
            handlers.shutdown();
        }
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            int dot = name.indexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
