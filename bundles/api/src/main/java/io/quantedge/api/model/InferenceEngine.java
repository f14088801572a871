package io.quantedge.api.model;

import io.quantedge.api.graph.Graph;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Loads model files through the registered {@link ModelLoader}s and plans them for the available kernel backends. */
@ProviderType
public interface InferenceEngine {

    Model load(Path file) throws ModelLoadException;

    /**
     * Prepares a graph already in memory, named {@code name}: for tools that transform a model
     * before running it (the quantizer runs the FP32 graph with chosen intermediate values added
     * to its outputs to observe them). Since 1.3.
     */
    Model load(Graph graph, String name) throws ModelLoadException;
}
