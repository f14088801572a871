package io.quantedge.broker;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge embedded MQTT broker",
        description = "An MQTT 5 broker inside the gateway for setups with no broker of their own. Runs only while "
                + "this configuration exists; anonymous clients are accepted, so keep it on the loopback address.")
@interface BrokerOptions {

    @AttributeDefinition(description = "Address to listen on. 127.0.0.1 keeps the broker private to this machine.")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port for MQTT (1 to 65535).", min = "1", max = "65535")
    int port() default 1883;

    @AttributeDefinition(description = "Largest MQTT packet accepted, in bytes; model update chunks must fit.",
            min = "1024")
    int maxPacketBytes() default 8 * 1024 * 1024;
}
