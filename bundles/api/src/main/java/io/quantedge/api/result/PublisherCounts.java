package io.quantedge.api.result;

/**
 * What a result publisher has done since it started, for metrics. Every accepted result ends up
 * published, queued, or in exactly one of the drop counts, so a consumer can tell how many
 * results it will never see.
 *
 * @param accepted       results handed to {@link ResultPublisher#publish}
 * @param published      results the broker confirmed (QoS 1) or that were sent (QoS 0)
 * @param resent         sends repeated after a failure or time-out (the consumer may see duplicates)
 * @param queuedRecords  results waiting to be sent now (in memory and on disk)
 * @param queuedBytes    bytes those waiting results take in the on-disk queue
 * @param droppedWhenFull results dropped because the queue was at capacity (oldest or newest, as configured)
 * @param droppedOnError  results dropped because they could not be stored (disk full, I/O error, unreadable record)
 */
public record PublisherCounts(long accepted, long published, long resent, long queuedRecords, long queuedBytes,
                              long droppedWhenFull, long droppedOnError) {

    /** Counts of a publisher that keeps none. */
    public static final PublisherCounts NONE = new PublisherCounts(0, 0, 0, 0, 0, 0, 0);

    /** All results dropped so far, whatever the reason. */
    public long dropped() {
        return droppedWhenFull + droppedOnError;
    }
}
