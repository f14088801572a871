package io.quantedge.api.model;

import java.util.Objects;

/** A run of a loaded model failed. The model itself stays usable unless the code says otherwise. */
public class InferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** An input is missing, unknown, or of the wrong type or shape. */
        BAD_INPUT,
        /** The model was closed, or replaced and released. */
        CLOSED,
        /** A kernel failed while running. */
        KERNEL_FAILURE,
        /** No model of that name is served (see {@code io.quantedge.api.serving.ModelServer}). */
        NOT_SERVED
    }

    private final Code code;

    public InferenceException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public InferenceException(Code code, String message, Throwable cause) {
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
