package io.quantedge.quantize.blockwise;

import java.util.Arrays;

/**
 * NormalFloat-4 (QLoRA, Dettmers et al. 2023): 16 levels at quantiles of the standard normal
 * distribution, so a block of normally distributed weights, scaled by its largest magnitude, uses
 * every level about equally often. Zero is a level exactly: 8 levels are quantiles of the positive
 * half and 7 of the negative half, the two sets joined at 0, then divided by the largest so they
 * span [-1, 1]. Each half takes its quantiles at probabilities evenly spaced from 1/2 to an outer
 * probability {@code 1 - (1/32 + 1/30) / 2}: the middle between the tail mass of 16 and of 15
 * equal bins, as QLoRA's reference uses (an outer probability of 1 would put the end levels at
 * infinity). The levels are computed here, not copied; the scale of a block is its largest
 * magnitude.
 */
public final class NormalFloat4Grid implements FourBitGrid {

    /** The outer probability of each half (0.96770833...). */
    static final double OUTER = 1 - (1.0 / 32 + 1.0 / 30) / 2;

    private static final float[] LEVELS = levels();
    /** Midpoints between neighbouring levels: a value rounds to level i when it lies in [mid[i-1], mid[i]). */
    private static final float[] MIDPOINTS = midpoints(LEVELS);

    @Override
    public String name() {
        return "nf4";
    }

    /** The 16 levels, ascending, from -1 to 1 with 0 at code 7. */
    public static float[] levels() {
        double[] values = new double[16];
        // 7 negative levels: the quantiles at 8 probabilities from OUTER to 1/2, without the 1/2.
        for (int i = 0; i < 7; i++) {
            double p = OUTER - i * (OUTER - 0.5) / 7;
            values[i] = -normalQuantile(p);
        }
        values[7] = 0;
        // 8 positive levels: the quantiles at 9 probabilities from 1/2 to OUTER, without the 1/2.
        for (int i = 1; i <= 8; i++) {
            double p = 0.5 + i * (OUTER - 0.5) / 8;
            values[7 + i] = normalQuantile(p);
        }
        double max = normalQuantile(OUTER);
        float[] levels = new float[16];
        for (int i = 0; i < 16; i++) {
            levels[i] = (float) (values[i] / max);
        }
        Arrays.sort(levels);
        return levels;
    }

    @Override
    public float scale(double maxAbs) {
        return FourBitGrid.usable((float) maxAbs);
    }

    @Override
    public int code(float w, float scale) {
        float x = w / scale;
        int code = 0;
        while (code < 15 && x >= MIDPOINTS[code]) {
            code++;
        }
        return code;
    }

    @Override
    public float level(int code) {
        return LEVELS[code];
    }

    private static float[] midpoints(float[] levels) {
        float[] mid = new float[15];
        for (int i = 0; i < 15; i++) {
            mid[i] = (levels[i] + levels[i + 1]) / 2;
        }
        return mid;
    }

    /** The x with Phi(x) = p, for p in [1/2, 1): bisection on the distribution function. */
    static double normalQuantile(double p) {
        double low = 0;
        double high = 10;
        for (int i = 0; i < 200 && high - low > 1e-15; i++) {
            double mid = (low + high) / 2;
            if (normalCdf(mid) < p) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /**
     * Phi(x) for x >= 0 as 1/2 plus the integral of the normal density from 0 to x, by Simpson's
     * rule on 4,096 intervals: far below float precision for the x the levels need (under 2).
     */
    static double normalCdf(double x) {
        int intervals = 4096;
        double h = x / intervals;
        double sum = density(0) + density(x);
        for (int i = 1; i < intervals; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * density(i * h);
        }
        return 0.5 + sum * h / 3;
    }

    private static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }
}
