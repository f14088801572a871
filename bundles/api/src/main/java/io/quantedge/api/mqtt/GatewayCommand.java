package io.quantedge.api.mqtt;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A command the gateway answers on {@code {root}/{gateway}/cmd/{name}} (whiteboard: every
 * registered service is reachable under its {@link #NAME_PROPERTY}). The request and the reply are
 * JSON; the reply goes to the request's MQTT 5 response topic with its correlation data.
 */
@ConsumerType
public interface GatewayCommand {

    /** Service property: the command's name, the last level of its topic ({@code status}, say). */
    String NAME_PROPERTY = "quantedge.mqtt.command";

    /**
     * Answers one request ({@code "{}"} when the payload was empty). Throws
     * {@link CommandException} for a request it refuses; the caller replies with its code and message.
     */
    String execute(String requestJson) throws CommandException;
}
