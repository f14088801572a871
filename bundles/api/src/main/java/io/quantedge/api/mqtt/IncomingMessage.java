package io.quantedge.api.mqtt;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A received message: its topic, payload and the MQTT 5 request/response properties (a response
 * topic and correlation data, when the sender set them); since 1.1 also its MQTT 5 content type and
 * user properties, so a device can say what its payload is.
 */
public record IncomingMessage(String topic, byte[] payload, boolean retained, Optional<String> responseTopic,
                              Optional<byte[]> correlationData, Optional<String> contentType,
                              Map<String, String> userProperties) {

    public IncomingMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(responseTopic, "responseTopic");
        Objects.requireNonNull(correlationData, "correlationData");
        Objects.requireNonNull(contentType, "contentType");
        userProperties = Map.copyOf(userProperties);
    }

    /** A message without content type or user properties (the 1.0 form). */
    public IncomingMessage(String topic, byte[] payload, boolean retained, Optional<String> responseTopic,
                           Optional<byte[]> correlationData) {
        this(topic, payload, retained, responseTopic, correlationData, Optional.empty(), Map.of());
    }
}
