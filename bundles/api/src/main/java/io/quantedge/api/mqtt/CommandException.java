package io.quantedge.api.mqtt;

import java.util.Objects;

/** A command refused, with a stable code ({@code BAD_REQUEST}, {@code NOT_FOUND}, ...) a client can act on. */
public final class CommandException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    public CommandException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
