package io.quantedge.sensor.frames;

import io.quantedge.api.sensor.SensorConfigurationException;
import java.util.regex.Pattern;

/** The checks every adapter makes on its options, so each refuses bad ones the same way. */
public final class OptionChecks {

    private static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private OptionChecks() {
    }

    /**
     * The {@code quantedge.sensor.id} option, trimmed; refused unless it is 1 to 64 letters,
     * digits, '.', '_' or '-' (it ends up in topics and logs).
     */
    public static String sensorId(String configured) throws SensorConfigurationException {
        String id = configured == null ? "" : configured.trim();
        require(SENSOR_ID.matcher(id).matches(), "quantedge.sensor.id '" + id
                + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        return id;
    }

    /** Refuses the configuration with {@code message} when {@code condition} does not hold. */
    public static void require(boolean condition, String message) throws SensorConfigurationException {
        if (!condition) {
            throw new SensorConfigurationException(message);
        }
    }
}
