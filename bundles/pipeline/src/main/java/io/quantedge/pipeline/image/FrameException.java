package io.quantedge.pipeline.image;

/** A frame (or image file) that cannot be made into a model input; a pipeline counts it as a bad frame. */
public final class FrameException extends Exception {

    public enum Code {
        /** The media type is not one a pipeline reads. */
        UNSUPPORTED_MEDIA,
        /** The payload does not decode (corrupt JPEG/PNG, wrong size for raw pixels or readings). */
        UNDECODABLE,
        /** Raw pixels without their width and height attributes. */
        MISSING_SIZE
    }

    private final Code code;

    public FrameException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
