package io.quantedge.onnx.tensorfile;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.onnx.TensorFileReader;
import java.nio.file.Path;

/**
 * Reads standalone ONNX tensor files: one serialized {@code TensorProto} per file, the way ONNX's
 * backend test suite stores the inputs and expected outputs of its models
 * ({@code test_data_set_N/input_K.pb}, {@code output_K.pb}). For conformance runners; models are
 * read through the {@code ModelLoader} service.
 *
 * <p>Element types are mapped as for models (FLOAT to FP32, FLOAT16 to FP16, and so on); a type
 * QuantEdge does not support (DOUBLE, STRING, ...) is an UNSUPPORTED {@link ModelLoadException},
 * as is any file that is not a well-formed tensor (MALFORMED), too large (TOO_LARGE) or unreadable
 * (IO). Large data is a read-only mapping of the file, not a copy.
 */
public final class OnnxTensorFiles {

    private OnnxTensorFiles() {
    }

    /** The tensor stored in {@code file}. */
    public static Tensor read(Path file) throws ModelLoadException {
        return TensorFileReader.read(file).tensor();
    }

    /** The name stored with the tensor in {@code file}, empty when it has none. */
    public static String readName(Path file) throws ModelLoadException {
        return TensorFileReader.read(file).name();
    }
}
