package io.quantedge.api.model;

import io.quantedge.api.graph.Graph;
import java.nio.file.Path;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The format SPI: turns a model file into a {@link Graph}. Format bundles register one as a
 * service; the engine asks each whether it can read a file. A loader validates sizes before it
 * allocates, so a hostile file ends in a {@link ModelLoadException}, never an OutOfMemoryError.
 */
@ConsumerType
public interface ModelLoader {

    /** Service property listing the file name extensions a loader reads, without the dot. */
    String EXTENSIONS_PROPERTY = "quantedge.model.extensions";

    /** Short name of the format, such as "onnx". */
    String format();

    /** File name extensions (without the dot, lower case) of the format, such as "onnx". */
    Set<String> extensions();

    Graph load(Path file) throws ModelLoadException;
}
