package io.quantedge.quantize.calibration;

/**
 * A streaming histogram of one tensor's values over [-limit, limit] in {@code 2 * binsPerSide}
 * equal bins, with the exact minimum, maximum and count beside it. Memory is fixed by the bin
 * count, whatever the number of values added: calibrating on 10,000 inputs needs what 100 need.
 * The limit is known before values arrive (a first pass over the data measures it); values outside
 * are counted in the outermost bins. Bin {@code i} covers {@code [-limit + i*w, -limit + (i+1)*w)},
 * {@code w = limit / binsPerSide}, so bin {@code binsPerSide} starts at 0.
 */
public final class Histogram {

    /** Bins per side by default: fine enough that 255 quantization steps span many bins. */
    public static final int DEFAULT_BINS_PER_SIDE = 2048;

    private final double limit;
    private final int binsPerSide;
    private final long[] counts;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long total;
    private long zeros;

    public Histogram(double limit, int binsPerSide) {
        if (!(limit >= 0) || Double.isInfinite(limit) || binsPerSide < 1) {
            throw new IllegalArgumentException("histogram limit " + limit + ", " + binsPerSide + " bins per side");
        }
        this.limit = limit > 0 ? limit : Double.MIN_NORMAL;
        this.binsPerSide = binsPerSide;
        this.counts = new long[2 * binsPerSide];
    }

    /** A histogram sized for the values of a first pass that saw [min, max]. */
    public static Histogram covering(double min, double max) {
        return new Histogram(Math.max(Math.abs(min), Math.abs(max)), DEFAULT_BINS_PER_SIDE);
    }

    /** Adds {@code values[from, to)}. NaN values are not counted. */
    public void add(float[] values, int from, int to) {
        double scale = binsPerSide / limit;
        int last = counts.length - 1;
        for (int i = from; i < to; i++) {
            float v = values[i];
            if (v != v) {
                continue;
            }
            if (v == 0) {
                zeros++;
            }
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            int bin = (int) Math.floor((v + limit) * scale);
            counts[bin < 0 ? 0 : bin > last ? last : bin]++;
        }
        total += to - from;
    }

    /** Adds {@code count} values at bin centres: for tests that describe a distribution by its histogram. */
    public void addToBin(int bin, long count) {
        counts[bin] += count;
        double centre = binCentre(bin);
        min = Math.min(min, centre);
        max = Math.max(max, centre);
        total += count;
    }

    public double limit() {
        return limit;
    }

    public int binsPerSide() {
        return binsPerSide;
    }

    public int bins() {
        return counts.length;
    }

    public double binWidth() {
        return limit / binsPerSide;
    }

    public double binCentre(int bin) {
        return -limit + (bin + 0.5) * binWidth();
    }

    public long count(int bin) {
        return counts[bin];
    }

    public long[] counts() {
        return counts.clone();
    }

    /** How many of the values were exactly 0: they quantize exactly whatever the range, since 0 is on every grid. */
    public long zeros() {
        return zeros;
    }

    public long total() {
        return total;
    }

    /** The smallest value added; +infinity before any. */
    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** Merges another histogram of the same geometry (statistics collected in parallel). */
    public void merge(Histogram other) {
        if (other.limit != limit || other.binsPerSide != binsPerSide) {
            throw new IllegalArgumentException("histograms of different geometry");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        total += other.total;
        zeros += other.zeros;
    }
}
