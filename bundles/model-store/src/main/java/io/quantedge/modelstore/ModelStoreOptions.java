package io.quantedge.modelstore;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge model store",
        description = "Where model versions are kept on disk and how many. Changing it reopens the store.")
public @interface ModelStoreOptions {

    @AttributeDefinition(name = "Folder",
            description = "The store's folder; empty for the models folder of the data folder "
                    + "(${quantedge.data.dir}/models).")
    String directory() default "";

    @AttributeDefinition(name = "Versions kept per model",
            description = "Older versions beyond this many are removed after each activation, never the active "
                    + "one nor the rollback target.", min = "2")
    int keptVersions() default StoreSettings.DEFAULT_KEPT_VERSIONS;

    @AttributeDefinition(name = "Space kept free, in MiB",
            description = "A package is not staged if staging it would leave less than this free.", min = "0")
    long minFreeMb() default 64;
}
