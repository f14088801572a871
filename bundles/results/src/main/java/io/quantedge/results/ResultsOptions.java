package io.quantedge.results;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "QuantEdge result publishing",
        description = "Results on {root}/{gw}/results/{pipeline}, and the on-disk queue that keeps them while the "
                + "broker cannot be reached.")
public @interface ResultsOptions {

    @AttributeDefinition(description = "MQTT QoS of result messages: 1 (the broker confirms each; nothing is lost "
            + "in an outage) or 0 (fire and forget: a message sent into a connection that is dying is lost).",
            options = {@Option(value = "1", label = "1: at least once"), @Option(value = "0", label = "0: at most once")})
    int qos() default 1;

    @AttributeDefinition(description = "Folder of the store-and-forward queue; empty for {data dir}/results.")
    String queueDirectory() default "";

    @AttributeDefinition(description = "Capacity of the queue in MiB of waiting results (a classifier's result is "
            + "about 300 bytes: 64 MiB hold some 200,000).", min = "1")
    int queueMaxMb() default 64;

    @AttributeDefinition(description = "Capacity of the queue in waiting results; 0 for no limit other than queueMaxMb.",
            min = "0")
    long queueMaxRecords() default 0;

    @AttributeDefinition(description = "What gives way when the queue is full; either way every dropped result is "
            + "counted and reported.", options = {
            @Option(value = "DROP_OLDEST", label = "Drop the oldest waiting results (the consumer gets the latest)"),
            @Option(value = "DROP_NEWEST", label = "Refuse new results (the consumer gets the start of the outage)")})
    String whenFull() default "DROP_OLDEST";

    @AttributeDefinition(description = "Size of one queue segment file in MiB; a segment is deleted once all its "
            + "results are delivered.", min = "1")
    int segmentMb() default 4;

    @AttributeDefinition(description = "How often queued results and the delivery position are forced to disk, in "
            + "milliseconds; 0 forces every batch (safest, most disk wear). A power cut loses at most the results of "
            + "the last interval and delivers those of the last interval again.", min = "0")
    int syncIntervalMillis() default 1000;

    @AttributeDefinition(description = "Results sent and not yet confirmed by the broker, at most; keep it well "
            + "below the broker's receive maximum (Mosquitto: 20 by default).", min = "1", max = "16")
    int maxInFlight() default 8;

    @AttributeDefinition(description = "Seconds a connected broker has to confirm a result before it is sent again.",
            min = "1")
    int publishTimeoutSeconds() default 10;

    @AttributeDefinition(description = "Results waiting in memory to be written to the queue; when the writer falls "
            + "this far behind, whenFull decides which one is dropped.", min = "16")
    int handoffCapacity() default 1024;
}
