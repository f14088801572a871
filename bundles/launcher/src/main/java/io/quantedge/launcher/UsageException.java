package io.quantedge.launcher;

/** The command line is wrong; the message says how, and the CLI answers with usage and exit code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
