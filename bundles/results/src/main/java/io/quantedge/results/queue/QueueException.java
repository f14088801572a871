package io.quantedge.results.queue;

import java.util.Objects;

/** The on-disk result queue refused or failed an operation; its files are as they were before it. */
public final class QueueException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** Another process (or another publisher in this one) holds the queue's folder. */
        IN_USE,
        /** The folder cannot be created, read or written (permissions, a file in the way, full disk). */
        IO,
        /** A single result is larger than the queue may hold. */
        RECORD_TOO_LARGE
    }

    private final Code code;

    public QueueException(Code code, String message, Throwable cause) {
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
