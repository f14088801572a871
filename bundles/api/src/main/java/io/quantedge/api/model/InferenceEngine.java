package io.quantedge.api.model;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Loads model files through the registered {@link ModelLoader}s and plans them for the available kernel backends. */
@ProviderType
public interface InferenceEngine {

    Model load(Path file) throws ModelLoadException;
}
