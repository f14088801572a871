package io.quantedge.quantize.calibration;

/**
 * Entropy calibration after TensorRT: the clipping threshold {@code t} on |x| that loses the least
 * information, measured as the Kullback-Leibler divergence between the histogram clipped to the
 * range [max(min, -t), min(max, t)] (the clipped mass added to its end bins) and the same
 * histogram as the 255-step grid over that range sees it (bins merged into 255 groups, each
 * group's mass spread evenly over its non-empty bins). Thresholds are tried at every bin edge.
 * Two departures from TensorRT's symmetric version, both because QuantEdge's activations are
 * asymmetric: the divergence is taken over the signed range the grid really covers, not over |x|
 * with 128 levels (so the spike of a normalised image's background at its minimum, or the empty
 * negative half of a ReLU output, do not waste levels); and exact zeros are left out, since the
 * zero point represents them exactly whatever the range (after a ReLU they are half the values and
 * would otherwise pull the threshold down).
 */
public final class EntropyCalibrator extends SymmetricThresholdCalibrator {

    static final int LEVELS = 255;
    /** Stands in for an empty quantized bin where the reference has mass: a large, finite penalty. */
    private static final double EMPTY = 1e-12;

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public double threshold(Histogram histogram) {
        long[] counts = histogram.counts();
        int half = histogram.binsPerSide();
        counts[half] -= Math.min(counts[half], histogram.zeros());
        int first = 0;
        while (first < counts.length && counts[first] == 0) {
            first++;
        }
        int last = counts.length - 1;
        while (last >= 0 && counts[last] == 0) {
            last--;
        }
        if (first > last) {
            return Math.max(Math.abs(histogram.min()), Math.abs(histogram.max()));
        }
        double[] reference = new double[counts.length];
        double bestDivergence = Double.POSITIVE_INFINITY;
        int best = half;
        for (int k = 1; k <= half; k++) {
            int low = Math.max(first, half - k);
            int high = Math.min(last + 1, half + k);
            boolean covers = low == first && high == last + 1;
            if (high - low < LEVELS && !covers) {
                continue;
            }
            double divergence = divergence(counts, low, high, reference);
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                best = k;
            }
            if (covers) {
                break;
            }
        }
        return best * histogram.binWidth();
    }

    /** KL(P || Q) over bins [low, high); {@code reference} is scratch space as long as {@code counts}. */
    static double divergence(long[] counts, int low, int high, double[] reference) {
        double below = 0;
        for (int j = 0; j < low; j++) {
            below += counts[j];
        }
        double above = 0;
        for (int j = high; j < counts.length; j++) {
            above += counts[j];
        }
        double referenceTotal = below + above;
        for (int j = low; j < high; j++) {
            reference[j] = counts[j];
            referenceTotal += counts[j];
        }
        reference[low] += below;
        reference[high - 1] += above;
        double quantizedTotal = referenceTotal - below - above;
        int bins = high - low;
        int levels = Math.min(LEVELS, bins);
        double divergence = 0;
        for (int level = 0; level < levels; level++) {
            int start = low + (int) ((long) level * bins / levels);
            int end = low + (int) ((long) (level + 1) * bins / levels);
            double mass = 0;
            int nonEmpty = 0;
            for (int j = start; j < end; j++) {
                mass += counts[j];
                if (reference[j] != 0) {
                    nonEmpty++;
                }
            }
            double spread = nonEmpty == 0 ? 0 : mass / nonEmpty;
            for (int j = start; j < end; j++) {
                if (reference[j] == 0) {
                    continue;
                }
                double p = reference[j] / referenceTotal;
                double q = quantizedTotal > 0 ? spread / quantizedTotal : 0;
                divergence += p * Math.log(p / Math.max(q, EMPTY));
            }
        }
        return divergence;
    }
}
