package io.quantedge.api.mqtt;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the messages of one subscription. */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {

    void handle(IncomingMessage message) throws Exception;
}
