package io.quantedge.mqtt;

/** Seconds to wait before the next connection attempt: doubling from the minimum up to the maximum. */
final class ReconnectDelay {

    private final long min;
    private final long max;
    private long next;

    ReconnectDelay(long minSeconds, long maxSeconds) {
        this.min = Math.max(1, minSeconds);
        this.max = Math.max(this.min, maxSeconds);
        this.next = this.min;
    }

    synchronized long next() {
        long now = next;
        next = Math.min(max, next * 2);
        return now;
    }

    synchronized void reset() {
        next = min;
    }
}
