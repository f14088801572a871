package io.quantedge.api.store;

import java.util.Objects;

/**
 * A model store operation was refused or failed; the store is as it was before the operation. The
 * code is stable text an MQTT job status or a CLI exit can carry; the message says what was wrong.
 */
public class ModelStoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** Reading or writing the store's folder failed. */
        IO,
        /** Not enough free space in the store's file system. */
        NO_SPACE,
        /** No such model or version in the store. */
        NOT_FOUND,
        /** The version is stored already. */
        VERSION_EXISTS,
        /** The version is not in a state that allows the operation (activating one not validated, say). */
        INVALID_STATE,
        /** There is no earlier good version to roll back to. */
        NO_ROLLBACK_TARGET,
        /** Another process uses the store's folder. */
        IN_USE
    }

    private final Code code;

    public ModelStoreException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ModelStoreException(Code code, String message, Throwable cause) {
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
