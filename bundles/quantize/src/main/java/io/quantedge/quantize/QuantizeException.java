package io.quantedge.quantize;

/** Why a quantization or evaluation could not be done, with a code a caller can act on. */
public class QuantizeException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Code {
        /** A named file does not exist or cannot be read. */
        MISSING_FILE,
        /** A data or label file is not what it must be (not .npy, wrong element type, too few labels). */
        BAD_DATA,
        /** The data's shape does not fit the model's input. */
        SHAPE_MISMATCH,
        /** The model cannot be quantized this way (no quantizable op, opset too old, several inputs). */
        UNSUPPORTED,
        /** The model could not be loaded or run. */
        MODEL,
        /** Writing the result failed. */
        WRITE
    }

    private final Code code;

    public QuantizeException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public QuantizeException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
