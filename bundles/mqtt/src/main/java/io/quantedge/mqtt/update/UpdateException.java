package io.quantedge.mqtt.update;

/** A job refused or failed, with the code its job topic carries. */
final class UpdateException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    UpdateException(String code, String message) {
        super(message);
        this.code = code;
    }

    UpdateException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    String code() {
        return code;
    }
}
