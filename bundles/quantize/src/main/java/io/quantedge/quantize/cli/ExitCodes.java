package io.quantedge.quantize.cli;

import io.quantedge.quantize.QuantizeException;

/** Exit codes of quantize and eval, listed in their help texts. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int MODEL_NOT_LOADED = 3;
    static final int BAD_INPUT = 4;
    static final int UNSUPPORTED = 5;

    static final String HELP = """
            Exit codes: 0 success, 1 failure (running, writing), 2 wrong command line, 3 the model
            could not be loaded, 4 a data or label file is missing, unreadable or does not fit the
            model, 5 the model cannot be quantized this way.
            Errors are printed as "quantedge COMMAND: error CODE: message".
            """;

    private ExitCodes() {
    }

    static int of(QuantizeException e) {
        return switch (e.code()) {
            case MODEL -> MODEL_NOT_LOADED;
            case MISSING_FILE, BAD_DATA, SHAPE_MISMATCH -> BAD_INPUT;
            case UNSUPPORTED -> UNSUPPORTED;
            case WRITE -> FAILED;
        };
    }
}
