package io.quantedge.modelpackage.cli;

/** Exit codes of the package commands, the same numbers the model commands use, listed in their help texts. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = io.quantedge.api.cli.CliCommand.EXIT_USAGE;
    static final int MODEL_NOT_LOADED = 3;
    static final int BAD_INPUT = 4;
    static final int REFUSED = 5;

    static final String HELP = """
            Exit codes: 0 success, 1 failure (a file exists already, a write failed), 2 wrong command
            line, 3 the model could not be loaded, 4 an input file (key, labels) is unreadable or
            wrong, 5 the package was refused (the message starts with the reason's code).
            """;

    private ExitCodes() {
    }
}
