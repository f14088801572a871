package io.quantedge.api.sensor;

/**
 * A sensor's configuration refused, with a stable code ({@code BAD_SENSOR_CONFIG}) and a message
 * naming the option, what was wrong with it and what is expected.
 */
public final class SensorConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    public static final String BAD_SENSOR_CONFIG = "BAD_SENSOR_CONFIG";

    private final String code;

    public SensorConfigurationException(String message) {
        super(BAD_SENSOR_CONFIG + ": " + message);
        this.code = BAD_SENSOR_CONFIG;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
