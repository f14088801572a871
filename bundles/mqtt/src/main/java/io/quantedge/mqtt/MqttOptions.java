package io.quantedge.mqtt;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge MQTT connection",
        description = "The gateway's one MQTT 5 connection: broker, identity, credentials, TLS and topics.")
public @interface MqttOptions {

    @AttributeDefinition(description = "Broker URIs, tried in order: tcp://host:1883 or ssl://host:8883.")
    String[] serverUris() default {"tcp://127.0.0.1:1883"};

    @AttributeDefinition(description = "Gateway id, the second level of every topic; empty for the host name.")
    String gatewayId() default "";

    @AttributeDefinition(description = "MQTT client id; empty for quantedge-{gatewayId}.")
    String clientId() default "";

    @AttributeDefinition(description = "First level of every topic.")
    String topicRoot() default "quantedge";

    @AttributeDefinition(description = "Groups this gateway belongs to (canary, site, fleet): it also takes updates "
            + "and commands sent to {root}/group/{group}/...")
    String[] groups() default {};

    @AttributeDefinition(description = "User name; empty for none.")
    String username() default "";

    @AttributeDefinition(description = "Password.", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "PEM file of the CA certificates that sign the broker's certificate (ssl:// "
            + "URIs); empty for the JVM's default trust store.")
    String caCertificateFile() default "";

    @AttributeDefinition(description = "PEM file of this gateway's client certificate (chain), for brokers that "
            + "require one; with clientKeyFile.")
    String clientCertificateFile() default "";

    @AttributeDefinition(description = "PEM file of the client certificate's private key, unencrypted PKCS#8 "
            + "(BEGIN PRIVATE KEY; convert others with openssl pkcs8 -topk8 -nocrypt).")
    String clientKeyFile() default "";

    @AttributeDefinition(description = "Seconds between keep-alive pings.", min = "1")
    int keepAliveSeconds() default 30;

    @AttributeDefinition(description = "Seconds to wait for the broker to accept a connection.", min = "1")
    int connectTimeoutSeconds() default 10;

    @AttributeDefinition(description = "First wait before reconnecting, in seconds; doubles after each failure.",
            min = "1")
    int reconnectMinSeconds() default 1;

    @AttributeDefinition(description = "Longest wait between reconnect attempts, in seconds.", min = "1")
    int reconnectMaxSeconds() default 60;

    @AttributeDefinition(description = "Seconds the broker keeps this gateway's session (subscriptions, queued QoS 1 "
            + "messages) while it is offline.", min = "0")
    long sessionExpirySeconds() default 86_400;
}
