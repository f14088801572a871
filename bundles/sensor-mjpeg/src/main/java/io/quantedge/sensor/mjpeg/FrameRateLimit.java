package io.quantedge.sensor.mjpeg;

/**
 * Lets through at most {@code maxFps} frames a second on average: a frame is admitted when its
 * slot is due. Credit is not saved up across a pause, so a stream resuming after a stall does not
 * burst.
 */
final class FrameRateLimit {

    private final long intervalNanos;
    private long nextDue = Long.MIN_VALUE;

    /** {@code maxFps} 0 admits every frame. */
    FrameRateLimit(double maxFps) {
        this.intervalNanos = maxFps <= 0 ? 0 : (long) (1e9 / maxFps);
    }

    boolean admit(long nowNanos) {
        if (intervalNanos == 0) {
            return true;
        }
        if (nextDue != Long.MIN_VALUE && nowNanos - nextDue < 0) {
            return false;
        }
        nextDue = nextDue == Long.MIN_VALUE || nowNanos - nextDue > intervalNanos
                ? nowNanos + intervalNanos : nextDue + intervalNanos;
        return true;
    }
}
