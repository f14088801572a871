package io.quantedge.pipeline;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge metrics",
        description = "What {root}/{gateway}/metrics carries and how often: per pipeline fps, latency, drops, queue "
                + "depth; per model memory; JVM heap and process RSS.")
@interface MetricsOptions {

    @AttributeDefinition(description = "Seconds between two metrics messages.", min = "1")
    int intervalSeconds() default 10;

    @AttributeDefinition(description = "MQTT QoS of the metrics messages.", min = "0", max = "2")
    int qos() default 0;
}
