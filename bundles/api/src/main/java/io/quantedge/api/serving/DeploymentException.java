package io.quantedge.api.serving;

import java.util.Objects;

/** A deployment or rollback that did not happen, or was undone; the code says which, for job topics. */
public class DeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Code {
        /** The model or version is not in the store (or not staged). */
        NOT_FOUND,
        /** The version did not load (malformed, unsupported operators, no backend for an op). */
        LOAD_FAILED,
        /** Its test vectors gave outputs outside the tolerance, or its smoke run failed. */
        VALIDATION_FAILED,
        /** It breached the health window and the previous version is active again. */
        ROLLED_BACK,
        /** There is no earlier good version to go back to. */
        NO_ROLLBACK_TARGET,
        /** Another deployment of the same model is under way. */
        BUSY,
        /** The store could not record the change (disk full, I/O error). */
        STORE_FAILED
    }

    private final Code code;

    public DeploymentException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public DeploymentException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
