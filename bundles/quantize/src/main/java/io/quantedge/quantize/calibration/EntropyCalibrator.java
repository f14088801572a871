package io.quantedge.quantize.calibration;

/**
 * TensorRT's entropy calibration: the clipping threshold {@code t} on |x| that loses the least
 * information, measured as the Kullback-Leibler divergence between the histogram clipped at
 * {@code t} (the clipped mass added to its last bin) and the same histogram as the quantization
 * grid sees it (bins merged into as many groups as the grid has levels on that side, each group's
 * mass spread evenly over its non-empty bins). Thresholds are tried at every bin edge from
 * {@code levels} bins up. Values of both signs get 128 levels per side, as a signed grid has; a
 * one-sided tensor (after a ReLU) gets all 256.
 */
public final class EntropyCalibrator extends SymmetricThresholdCalibrator {

    /** Stands in for an empty quantized bin where the reference has mass: a large, finite penalty. */
    private static final double EMPTY = 1e-12;

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public double threshold(Histogram histogram) {
        long[] magnitude = histogram.magnitudeCounts();
        int levels = histogram.twoSided() ? 128 : 256;
        int used = magnitude.length;
        while (used > 0 && magnitude[used - 1] == 0) {
            used--;
        }
        if (used <= levels) {
            return used * histogram.binWidth();
        }
        double[] reference = new double[used];
        double bestDivergence = Double.POSITIVE_INFINITY;
        int best = used;
        for (int kept = levels; kept <= used; kept++) {
            double divergence = divergence(magnitude, kept, levels, reference);
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                best = kept;
            }
        }
        return best * histogram.binWidth();
    }

    /** KL(P || Q) for the first {@code kept} bins; {@code reference} is scratch space of at least {@code kept}. */
    static double divergence(long[] magnitude, int kept, int levels, double[] reference) {
        double outliers = 0;
        for (int j = kept; j < magnitude.length; j++) {
            outliers += magnitude[j];
        }
        double referenceTotal = 0;
        for (int j = 0; j < kept; j++) {
            reference[j] = magnitude[j];
            referenceTotal += magnitude[j];
        }
        reference[kept - 1] += outliers;
        referenceTotal += outliers;

        // Q as the grid sees the clipped histogram; its total is that of P without the outliers.
        double quantizedTotal = referenceTotal - outliers;
        double divergence = 0;
        for (int level = 0; level < levels; level++) {
            int start = (int) ((long) level * kept / levels);
            int end = (int) ((long) (level + 1) * kept / levels);
            double mass = 0;
            int nonEmpty = 0;
            for (int j = start; j < end; j++) {
                mass += magnitude[j];
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
