package io.quantedge.pipeline;

import java.util.Arrays;

/**
 * The latencies of the most recent runs, for percentiles: a fixed ring, so recording allocates
 * nothing. Thread-safe: the worker records, the metrics and the log summary read.
 */
final class LatencyWindow {

    private final double[] ring;
    private final double[] sorted;
    private int next;
    private int count;

    LatencyWindow(int capacity) {
        ring = new double[capacity];
        sorted = new double[capacity];
    }

    synchronized void record(double millis) {
        ring[next] = millis;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    /** The {@code p}-th percentile (0 to 100, nearest rank) of the recorded latencies; NaN when none. */
    synchronized double percentile(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        System.arraycopy(ring, 0, sorted, 0, count);
        Arrays.sort(sorted, 0, count);
        int rank = (int) Math.ceil(p / 100 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }
}
