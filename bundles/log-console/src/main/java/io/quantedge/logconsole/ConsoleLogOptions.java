package io.quantedge.logconsole;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "QuantEdge console log",
        description = "Which log entries of all bundles are written to standard error.")
public @interface ConsoleLogOptions {

    @AttributeDefinition(name = "Level", description = "The least severe level written, for every bundle.",
            options = {
                @Option(value = "ERROR"), @Option(value = "WARN"), @Option(value = "INFO"),
                @Option(value = "DEBUG"), @Option(value = "TRACE")
            })
    String level() default "INFO";

    @AttributeDefinition(name = "Quiet bundles",
            description = "Bundles whose INFO messages are written only at level DEBUG or finer (framework "
                    + "services' start-up chatter).")
    String[] quietBundles() default {"org.apache.felix.scr"};
}
