package io.quantedge.api.model;

import java.util.Objects;

/**
 * A model could not be loaded. The code says which kind of problem it was, so it can reach an MQTT
 * job status or a CLI exit code; the message says what exactly was wrong and where.
 */
public class ModelLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** The file could not be read. */
        IO,
        /** The bytes are not a well-formed model of the format (truncated, wrong wire type, ...). */
        MALFORMED,
        /** A declared size exceeds what the file holds or what the loader allows. */
        TOO_LARGE,
        /** Well-formed, but the graph is inconsistent: a cycle, a missing value, a shape clash. */
        INVALID_GRAPH,
        /** An operator (op type, domain, opset) or data type this runtime does not implement. */
        UNSUPPORTED,
        /** No loader knows the file's format. */
        UNKNOWN_FORMAT
    }

    private final Code code;

    public ModelLoadException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ModelLoadException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
