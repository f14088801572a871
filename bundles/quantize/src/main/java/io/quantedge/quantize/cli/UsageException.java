package io.quantedge.quantize.cli;

/** A command line that is wrong; the message says what. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
