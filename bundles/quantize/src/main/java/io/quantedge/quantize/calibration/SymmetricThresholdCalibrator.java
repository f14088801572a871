package io.quantedge.quantize.calibration;

/**
 * A calibrator that picks one clipping threshold {@code t} on |x|; the range is then
 * [max(min, -t), min(max, t)], so a one-sided tensor keeps its zero end.
 */
abstract class SymmetricThresholdCalibrator implements Calibrator {

    @Override
    public final ValueRange range(Histogram histogram) {
        double threshold = threshold(histogram);
        return new ValueRange(Math.max(histogram.min(), -threshold), Math.min(histogram.max(), threshold));
    }

    /** The chosen threshold on |x|. */
    public abstract double threshold(Histogram histogram);
}
