package io.quantedge.mqtt.update;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge model updates over MQTT",
        description = "Receiving model packages on {root}/{gw}/update/{job}/...: limits and where they are assembled.")
public @interface UpdateOptions {

    @AttributeDefinition(description = "Folder where packages are assembled; empty for {data dir}/updates.")
    String stagingDir() default "";

    @AttributeDefinition(description = "Largest package accepted, in bytes (checked before anything is written).",
            min = "1")
    long maxPackageBytes() default 1L << 30;

    @AttributeDefinition(description = "Largest chunk accepted, in bytes.", min = "1024")
    int maxChunkBytes() default 8 << 20;

    @AttributeDefinition(description = "Whether a begin message may name an http(s) URL to download the package "
            + "from instead of sending chunks.")
    boolean allowUrlDownloads() default true;

    @AttributeDefinition(description = "Finished jobs remembered (so repeating a job id answers its outcome again).",
            min = "1")
    int finishedJobsKept() default 100;
}
