package io.quantedge.backend.vector;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge Vector API backend",
        description = "Kernels on jdk.incubator.vector; needs the JVM started with --add-modules=jdk.incubator.vector.")
@interface VectorBackendOptions {

    String AUTOMATIC = "auto";

    @AttributeDefinition(description = "service.ranking of the backend: 'auto' decides from the Java version and"
            + " vector width (100 on Java 21+ with 256-bit vectors or wider, else 10), or an integer to force one."
            + " The scalar backend ranks 0. A backend that fails its self-check is never registered.")
    String ranking() default AUTOMATIC;
}
