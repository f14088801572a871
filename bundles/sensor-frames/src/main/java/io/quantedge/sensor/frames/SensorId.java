package io.quantedge.sensor.frames;

import io.quantedge.api.sensor.SensorConfigurationException;
import java.util.regex.Pattern;

/** The {@code quantedge.sensor.id} option, checked the same way by every adapter: it ends up in topics and logs. */
public final class SensorId {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private SensorId() {
    }

    /** The id, trimmed; refused unless it is 1 to 64 letters, digits, '.', '_' or '-'. */
    public static String parse(String configured) throws SensorConfigurationException {
        String id = configured == null ? "" : configured.trim();
        SensorConfigurationException.require(VALID.matcher(id).matches(), "quantedge.sensor.id '" + id
                + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        return id;
    }
}
