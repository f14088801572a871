package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a file holding one serialized {@code TensorProto}, as ONNX's test suites store inputs and
 * expected outputs. Public only for {@code io.quantedge.onnx.tensorfile}, which exports it; this
 * package is not exported.
 */
public final class TensorFileReader {

    private TensorFileReader() {
    }

    /** The tensor in {@code file} and its name; external data is found beside the file. */
    public static Decoded read(Path file) throws ModelLoadException {
        Objects.requireNonNull(file, "file");
        return LoadBoundary.call("tensor file " + file, () -> {
            ByteBuffer bytes = FileMapping.mapWhole(file, "tensor file");
            return decode(bytes, file.toAbsolutePath().getParent());
        });
    }

    /** The tensor in {@code bytes}; package-visible for tests. */
    static Decoded decode(ByteBuffer bytes, Path folder) throws ModelLoadException {
        try (ExternalDataResolver externalData = new ExternalDataResolver(folder)) {
            TensorDecoder.NamedTensor tensor = new TensorDecoder(externalData)
                    .decode(ProtobufReader.of(bytes, "TensorProto"));
            return new Decoded(tensor.name(), tensor.tensor());
        }
    }

    /** A decoded tensor file: the tensor's name ("" if it has none) and the tensor. */
    public record Decoded(String name, Tensor tensor) {
    }
}
