package io.quantedge.quantize.calibration;

import java.util.Arrays;

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
 * would otherwise pull the threshold down), and other point masses are flattened to their
 * neighbourhood for the same reason (see {@link #flattenPointMasses}).
 */
public final class EntropyCalibrator extends SymmetricThresholdCalibrator {

    static final int LEVELS = 255;
    /** Stands in for an empty quantized bin where the reference has mass: a large, finite penalty. */
    private static final double EMPTY = 1e-12;
    /** Neighbours on each side a bin is compared with when looking for point masses. */
    static final int SPIKE_RADIUS = 8;
    /** How many times its neighbours' median a bin must hold to count as a point mass. */
    static final long SPIKE_FACTOR = 4;

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public double threshold(Histogram histogram) {
        long[] counts = histogram.counts();
        int half = histogram.binsPerSide();
        counts[half] -= Math.min(counts[half], histogram.zeros());
        flattenPointMasses(counts);
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

    /**
     * Cuts every bin that holds more than {@link #SPIKE_FACTOR} times the median of its
     * {@link #SPIKE_RADIUS} neighbours on each side down to that median. Such point masses come
     * from inputs that repeat exactly (a camera's constant background gives the same conv output
     * at thousands of positions); any grid represents one value about as well as another, but the
     * divergence charges a spike roughly its mass times the log of the bins per level, which
     * shrinks as the threshold does, so the spikes rather than the clipping would pick the
     * threshold. Bins whose neighbourhood is mostly empty are left alone: there the "spike" is the
     * sparse tail itself. This generalises the exact-zero removal above.
     */
    static void flattenPointMasses(long[] counts) {
        long[] original = counts.clone();
        long[] window = new long[2 * SPIKE_RADIUS];
        for (int i = 0; i < counts.length; i++) {
            int n = 0;
            int from = Math.max(0, i - SPIKE_RADIUS);
            int to = Math.min(counts.length - 1, i + SPIKE_RADIUS);
            for (int j = from; j <= to; j++) {
                if (j != i) {
                    window[n++] = original[j];
                }
            }
            Arrays.sort(window, 0, n);
            long median = window[n / 2];
            if (median > 0 && original[i] > SPIKE_FACTOR * median) {
                counts[i] = median;
            }
        }
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
