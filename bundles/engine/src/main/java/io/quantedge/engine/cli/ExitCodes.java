package io.quantedge.engine.cli;

/** Exit codes of the model commands, listed in their help texts. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int MODEL_NOT_LOADED = 3;
    static final int BAD_INPUT = 4;

    static final String HELP = """
            Exit codes: 0 success, 1 failure while running, 2 wrong command line, 3 the model could
            not be loaded (malformed, unsupported operator...), 4 an input file is unreadable or does
            not fit the model.
            """;

    private ExitCodes() {
    }
}
