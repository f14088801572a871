package io.quantedge.onnx;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Reads ONNX model files. The file is mapped once, read-only; large weights become zero-copy
 * slices of that mapping, so the model file must not be rewritten in place while the graph is in
 * use (the model store writes each version to a new file). Every failure is a
 * {@link ModelLoadException} whose code says what kind of problem it was.
 */
@Component(service = ModelLoader.class, property = ModelLoader.EXTENSIONS_PROPERTY + "=onnx")
public final class OnnxModelLoader implements ModelLoader {

    @Override
    public String format() {
        return "onnx";
    }

    @Override
    public Set<String> extensions() {
        return Set.of("onnx");
    }

    /** Reads {@code file}; a null path is a caller's bug and fails with a NullPointerException. */
    @Override
    public Graph load(Path file) throws ModelLoadException {
        Objects.requireNonNull(file, "file");
        return LoadBoundary.call("model " + file, () -> {
            ByteBuffer bytes = FileMapping.mapWhole(file, "model");
            return decode(bytes, file.toAbsolutePath().getParent());
        });
    }

    /** Decodes and validates a model held in {@code bytes}, finding external data in {@code folder}. */
    static Graph load(ByteBuffer bytes, Path folder) throws ModelLoadException {
        return LoadBoundary.call("the model", () -> decode(bytes, folder));
    }

    private static Graph decode(ByteBuffer bytes, Path folder) throws ModelLoadException {
        try (ExternalDataResolver externalData = new ExternalDataResolver(folder)) {
            Graph graph = OnnxModelDecoder.decode(bytes, externalData);
            GraphValidator.validate(graph);
            return graph;
        }
    }
}
