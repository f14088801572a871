package io.quantedge.sensor.frames;

/** Bytes that are not a complete, readable image, with the reason (its code) and what was wrong. */
public final class BadImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** Neither a JPEG nor a PNG signature at the start. */
        NOT_AN_IMAGE,
        /** The signature is there but not the end marker: cut short, or still being written. */
        TRUNCATED,
        /** Start and end are there, but the image reader cannot read its header. */
        CORRUPT,
        /** Larger than the configured limit; not read. */
        TOO_LARGE
    }

    private final Reason reason;

    public BadImageException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
