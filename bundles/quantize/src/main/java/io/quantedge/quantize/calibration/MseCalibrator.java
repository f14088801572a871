package io.quantedge.quantize.calibration;

/**
 * The clipping threshold {@code t} on |x| that minimises the expected squared quantization error:
 * values inside the 255-step grid over [max(min, -t), min(max, t)] (widened to contain 0) err by
 * the rounding noise {@code step^2 / 12} each; values outside err by their distance to the range
 * end. Thresholds are tried at every bin edge; prefix sums over the histogram make each try O(1).
 */
public final class MseCalibrator extends SymmetricThresholdCalibrator {

    private static final int STEPS = 255;

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public double threshold(Histogram histogram) {
        int bins = histogram.bins();
        int half = histogram.binsPerSide();
        double[] count = new double[bins + 1];
        double[] first = new double[bins + 1];
        double[] second = new double[bins + 1];
        for (int i = 0; i < bins; i++) {
            double n = histogram.count(i);
            double c = histogram.binCentre(i);
            count[i + 1] = count[i] + n;
            first[i + 1] = first[i] + n * c;
            second[i + 1] = second[i] + n * c * c;
        }
        double total = count[bins];
        double bestError = Double.POSITIVE_INFINITY;
        double best = histogram.binWidth() * half;
        for (int k = 1; k <= half; k++) {
            double t = k * histogram.binWidth();
            double low = Math.max(histogram.min(), -t);
            double high = Math.min(histogram.max(), t);
            double step = (Math.max(high, 0) - Math.min(low, 0)) / STEPS;
            // Bins [half + k, bins) lie above t, bins [0, half - k) below -t.
            double clipped = 0;
            double error = 0;
            if (high == t) {
                int from = half + k;
                double n = count[bins] - count[from];
                error += (second[bins] - second[from]) - 2 * t * (first[bins] - first[from]) + t * t * n;
                clipped += n;
            }
            if (low == -t) {
                int to = half - k;
                double n = count[to];
                error += second[to] + 2 * t * first[to] + t * t * n;
                clipped += n;
            }
            error += (total - clipped) * step * step / 12;
            if (error < bestError) {
                bestError = error;
                best = t;
            }
        }
        return best;
    }
}
