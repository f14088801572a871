package io.quantedge.onnx.writer;

import io.quantedge.api.graph.Graph;
import io.quantedge.onnx.ModelEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes an api {@link Graph} as a standard ONNX model file that ONNX Runtime and QuantEdge's own
 * loader read: the graph's name, inputs, outputs (with their dimension names), nodes with their
 * attributes, initializers as raw data, opset imports, and the model fields and metadata the loader
 * read. The file appears complete or not at all: it is written beside the target, forced to disk
 * and renamed over it.
 */
public final class OnnxModelWriter {

    private OnnxModelWriter() {
    }

    /** The encoded {@code ModelProto}. Models are limited to protobuf's 2 GiB, as ONNX's own files. */
    public static byte[] encode(Graph graph) {
        return ModelEncoding.encode(graph);
    }

    public static void write(Graph graph, Path file) throws IOException {
        byte[] bytes = encode(graph);
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
