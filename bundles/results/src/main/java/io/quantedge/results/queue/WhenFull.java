package io.quantedge.results.queue;

/** What the queue does with a new record when it is at capacity. */
public enum WhenFull {
    /** Drop the oldest waiting records until the new one fits: the consumer gets the most recent picture. */
    DROP_OLDEST,
    /** Refuse the new record: the consumer gets an unbroken run from the start of the outage. */
    DROP_NEWEST
}
