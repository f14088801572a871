package io.quantedge.results.queue;

/** One record read back from the queue, with its sequence number (what {@link DiskQueue#ack} takes). */
public record QueuedRecord(long sequence, byte[] payload) {
}
