package io.quantedge.serving;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge model serving",
        description = "The health window that decides whether a newly deployed model version is kept.")
@interface ServingOptions {

    @AttributeDefinition(description = "The window closes after this many runs of the new version...", min = "1")
    int healthWindowRuns() default 20;

    @AttributeDefinition(description = "...or after this many seconds, whichever comes first.", min = "0")
    int healthWindowSeconds() default 60;

    @AttributeDefinition(description = "Largest share of failed runs in the window (0 to 1) that still keeps the "
            + "version.", min = "0", max = "1")
    double maxErrorRate() default 0.1;

    @AttributeDefinition(description = "Largest 99th-percentile latency in the window, in milliseconds, that still "
            + "keeps the version; 0 for no limit.", min = "0")
    double maxP99LatencyMs() default 0;
}
