package io.quantedge.quantize.calibration;

/**
 * Clips the rare extremes: the range runs from the {@code (100 - p)}-th to the {@code p}-th
 * percentile of the values (the lower end only when values below zero occur), read off the
 * histogram with linear interpolation inside the bin where the percentile falls.
 */
public final class PercentileCalibrator implements Calibrator {

    private final double percentile;

    /** {@code percentile} in (50, 100], such as 99.99. */
    public PercentileCalibrator(double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], not " + percentile);
        }
        this.percentile = percentile;
    }

    public double percentile() {
        return percentile;
    }

    @Override
    public String name() {
        return "percentile";
    }

    @Override
    public ValueRange range(Histogram histogram) {
        double fraction = percentile / 100;
        double high = Math.min(histogram.max(), quantile(histogram, fraction));
        double low = histogram.min() < 0 ? Math.max(histogram.min(), quantile(histogram, 1 - fraction)) : histogram.min();
        return new ValueRange(Math.min(low, high), Math.max(low, high));
    }

    /** The value below which {@code fraction} of the counted values lie. */
    static double quantile(Histogram histogram, double fraction) {
        double wanted = fraction * histogram.total();
        double below = 0;
        for (int bin = 0; bin < histogram.bins(); bin++) {
            long n = histogram.count(bin);
            if (n > 0 && below + n >= wanted) {
                double start = histogram.binCentre(bin) - histogram.binWidth() / 2;
                return start + histogram.binWidth() * Math.max(0, wanted - below) / n;
            }
            below += n;
        }
        return histogram.max();
    }
}
