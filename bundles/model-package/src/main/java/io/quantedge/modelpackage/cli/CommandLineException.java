package io.quantedge.modelpackage.cli;

/** A command line that is wrong; the message says how. */
final class CommandLineException extends Exception {
    private static final long serialVersionUID = 1L;

    CommandLineException(String message) {
        super(message);
    }
}
