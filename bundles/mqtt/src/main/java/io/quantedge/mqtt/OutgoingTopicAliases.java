package io.quantedge.mqtt;

import java.lang.reflect.Field;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.internal.MqttConnectionState;

/**
 * Keeps Paho from giving outgoing PUBLISH packets topic aliases.
 *
 * <p>Paho 1.2.5 stores an in-flight QoS 1 message in the form it was sent: when that was alias-only
 * (no topic, alias N), it resends it so after a reconnect, where alias N means nothing. The broker
 * then drops the connection for a protocol error, again on every reconnect, for as long as the
 * message stays in flight (eclipse-paho/paho.mqtt.java issue 1104; reproduced here by
 * MqttGatewayConnectionTest). Paho takes the alias maximum from each CONNACK and has no option to
 * decline it, so the connection resets it to zero after every connect, before the gateway publishes
 * anything on that connection. Aliases only shorten topics; nothing is lost without them.
 */
final class OutgoingTopicAliases {

    private final MqttConnectionState state;

    private OutgoingTopicAliases(MqttConnectionState state) {
        this.state = state;
    }

    /** Reaches Paho's per-client connection state; Paho is embedded at a fixed version, so the field is known. */
    static OutgoingTopicAliases of(MqttAsyncClient client) {
        try {
            Field field = MqttAsyncClient.class.getDeclaredField("mqttConnection");
            field.setAccessible(true);
            return new OutgoingTopicAliases((MqttConnectionState) field.get(client));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the embedded Paho client is not the version this bundle was built for: "
                    + e, e);
        }
    }

    /** Called once a connection is up: the broker's allowance for this connection is declined. */
    void disable() {
        state.setOutgoingTopicAliasMaximum(0);
    }
}
