package io.quantedge.api.mqtt;

import java.util.Objects;
import java.util.Optional;

/**
 * A received message: its topic, payload and the MQTT 5 request/response properties (a response
 * topic and correlation data, when the sender set them).
 */
public record IncomingMessage(String topic, byte[] payload, boolean retained, Optional<String> responseTopic,
                              Optional<byte[]> correlationData) {

    public IncomingMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(responseTopic, "responseTopic");
        Objects.requireNonNull(correlationData, "correlationData");
    }
}
