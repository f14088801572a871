package io.quantedge.results.queue;

import java.util.Objects;

/**
 * How much the queue may hold and how it stores it.
 *
 * @param maxBytes       bytes of waiting records (8 bytes of header each, plus the payload)
 * @param maxRecords     waiting records; 0 for no limit other than bytes
 * @param segmentBytes   size at which a segment file is closed and a new one started
 * @param whenFull       which record gives way when the queue is at capacity
 */
public record QueueLimits(long maxBytes, long maxRecords, long segmentBytes, WhenFull whenFull) {

    public QueueLimits {
        Objects.requireNonNull(whenFull, "whenFull");
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("queue capacity of " + maxBytes + " bytes is too small (at least 1024)");
        }
        if (maxRecords < 0) {
            throw new IllegalArgumentException("queue capacity of " + maxRecords + " records is negative");
        }
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segment size of " + segmentBytes + " bytes is too small (at least 1024)");
        }
    }

    /** Whether {@code records} records of {@code bytes} bytes in all are more than the queue may hold. */
    boolean exceededBy(long records, long bytes) {
        return bytes > maxBytes || (maxRecords > 0 && records > maxRecords);
    }
}
