package io.quantedge.serving;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The runs of a new version right after it was swapped in: it closes after {@code runs} runs or
 * {@code seconds}, whichever comes first, and then says whether the version stays (error rate and
 * 99th-percentile latency within their limits). No run in the window is no evidence against the
 * version: it was validated before, so it stays.
 */
final class HealthWindow {

    private final int runs;
    private final long deadlineNanos;
    private final double maxErrorRate;
    private final double maxP99LatencyMs;
    private final double[] latencies;
    private int seen;
    private int failed;

    HealthWindow(int runs, int seconds, double maxErrorRate, double maxP99LatencyMs) {
        this.runs = Math.max(1, runs);
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
        this.maxErrorRate = maxErrorRate;
        this.maxP99LatencyMs = maxP99LatencyMs;
        this.latencies = new double[this.runs];
    }

    synchronized void record(boolean succeeded, double latencyMs) {
        if (seen >= runs) {
            return;
        }
        latencies[seen++] = latencyMs;
        if (!succeeded) {
            failed++;
        }
        if (seen >= runs) {
            notifyAll();
        }
    }

    /** Waits until the window closes. */
    synchronized void awaitClose() throws InterruptedException {
        while (seen < runs) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Why the version must go, or null when it stays. */
    synchronized String breach() {
        if (seen == 0) {
            return null;
        }
        double errorRate = (double) failed / seen;
        if (errorRate > maxErrorRate) {
            return String.format("%d of %d runs failed (%.0f%%, limit %.0f%%)", failed, seen, 100 * errorRate,
                    100 * maxErrorRate);
        }
        double p99 = p99();
        if (maxP99LatencyMs > 0 && p99 > maxP99LatencyMs) {
            return String.format("p99 latency %.1f ms over %d runs, limit %.1f ms", p99, seen, maxP99LatencyMs);
        }
        return null;
    }

    synchronized String summary() {
        return seen == 0 ? "no runs in the window" : String.format("%d runs, %d failed, p99 %.1f ms", seen, failed, p99());
    }

    private double p99() {
        double[] sorted = Arrays.copyOf(latencies, seen);
        Arrays.sort(sorted);
        return sorted[Math.min(seen - 1, (int) Math.ceil(0.99 * seen) - 1)];
    }
}
