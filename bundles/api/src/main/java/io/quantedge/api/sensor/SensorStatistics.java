package io.quantedge.api.sensor;

import java.util.Objects;

/**
 * What a sensor did since it was created: frames delivered to its listener, frames skipped on
 * purpose (beyond the frame-rate limit), inputs rejected as bad (a corrupt JPEG part, a truncated
 * file, a payload that is not an image), times it reconnected to its source, and the last problem
 * it met ({@code ""} when none).
 */
public record SensorStatistics(long delivered, long skipped, long rejected, long reconnects, String lastProblem) {

    /** A sensor that counts nothing. */
    public static final SensorStatistics NONE = new SensorStatistics(0, 0, 0, 0, "");

    public SensorStatistics {
        Objects.requireNonNull(lastProblem, "lastProblem");
    }
}
