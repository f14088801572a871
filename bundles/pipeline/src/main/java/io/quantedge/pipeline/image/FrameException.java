package io.quantedge.pipeline;

/** A frame the pipeline cannot use; counted as a bad frame, never fatal to the pipeline. */
final class FrameException extends Exception {

    enum Code {
        /** The media type is not one a pipeline reads. */
        UNSUPPORTED_MEDIA,
        /** The payload does not decode (corrupt JPEG/PNG, wrong size for raw pixels or readings). */
        UNDECODABLE,
        /** Raw pixels without their width and height attributes. */
        MISSING_SIZE
    }

    private final Code code;

    FrameException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    Code code() {
        return code;
    }
}
