package io.quantedge.engine.npy;

/** A file that is not a .npy file QuantEdge can read; the message says what is wrong. */
public class NpyFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
