package io.quantedge.quantize.calibration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses the range an activation tensor is quantized over, from the statistics of its values on
 * the calibration data. Wider ranges clip less and round more coarsely; calibrators differ in how
 * they trade the two. A calibrator never sees the values themselves, only a {@link Histogram}
 * (bounded memory), and returns a range inside [min, max] of what it saw.
 */
@ConsumerType
public interface Calibrator {

    /** The name the command line uses ({@code minmax}, {@code percentile}, ...). */
    String name();

    /** False when min and max suffice, so the histogram pass over the data can be skipped. */
    default boolean needsHistogram() {
        return true;
    }

    /** The range for a tensor whose values {@code histogram} counted; it has seen at least one value. */
    ValueRange range(Histogram histogram);
}
