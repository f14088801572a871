package io.quantedge.calibration;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge calibration on the gateway",
        description = "cmd/calibrate: how many frames a calibration may hold, how long it collects, where it works.")
public @interface CalibrationOptions {

    @AttributeDefinition(description = "Most frames (calibration plus held out) one calibration may collect.",
            min = "2")
    int maxFrames() default 2000;

    @AttributeDefinition(description = "Most bytes of model inputs one calibration may hold in memory; a request "
            + "needing more is refused (TOO_LARGE) before anything is collected.", min = "1")
    long maxBytes() default 64L << 20;

    @AttributeDefinition(description = "Seconds a calibration waits for its frames before it fails (COLLECT_TIMEOUT), "
            + "unless the request gives timeoutSeconds.", min = "1")
    int collectTimeoutSeconds() default 300;

    @AttributeDefinition(description = "Folder for job records and the package being made; empty for "
            + "{data dir}/calibration.")
    String workDirectory() default "";

    @AttributeDefinition(description = "Finished calibration jobs remembered (their reports are published again "
            + "after a restart).", min = "1")
    int finishedJobsKept() default 20;
}
