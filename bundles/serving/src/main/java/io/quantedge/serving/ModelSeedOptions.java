package io.quantedge.serving;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge model seed",
        description = "A model package shipped with the distribution, installed on start when the store has no "
                + "active version of the model: verified, staged, validated and activated like any update.")
@interface ModelSeedOptions {

    @AttributeDefinition(description = "The model's name, as the package's manifest gives it.")
    String model();

    @AttributeDefinition(name = "Package", description = "The signed package (.qmp) to install.")
    String packageFile();
}
