package io.quantedge.engine;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge inference engine",
        description = "Which kernel backends compute the models. Changes apply at once: models in use are "
                + "prepared again and swapped in without dropping a run.")
public @interface EngineOptions {

    @AttributeDefinition(name = "Excluded backends",
            description = "Backends never to use, by name (scalar, vector, native-avx512vnni, ...).")
    String[] excludedBackends() default {};

    @AttributeDefinition(name = "Pinned backend",
            description = "A backend to use for every operation it supports, whatever the rankings; empty to "
                    + "follow service.ranking.")
    String pinnedBackend() default "";
}
