package io.quantedge.results;

import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.result.InferenceResult;
import io.quantedge.api.result.PublisherCounts;
import io.quantedge.results.queue.DiskQueue;
import io.quantedge.results.queue.QueueException;
import io.quantedge.results.queue.QueuedRecord;
import io.quantedge.results.queue.WhenFull;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.log.Logger;

/**
 * Moves results from the callers to the broker, on one thread that owns the disk queue.
 *
 * <p>Every result goes through the queue: the callers' thread only puts it in a bounded hand-off and
 * returns; this thread appends it to the queue, then sends from the queue in order, at most
 * {@code maxInFlight} unconfirmed at a time, and acknowledges each record when the broker confirms it.
 * So a result sent directly and one that waited an outage out cannot overtake each other: there is
 * one path, and new results always queue behind the backlog.
 *
 * <p>A send that fails, or that a connected broker does not confirm in time, sends everything from the
 * first unconfirmed record again (at least once). While the connection is down nothing is sent and
 * nothing times out: the client resends unconfirmed QoS 1 messages itself when it reconnects.
 */
final class Forwarder {

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final GatewayConnection connection;
    private final DiskQueue queue;
    private final PublisherSettings settings;
    private final Logger log;
    private final ArrayBlockingQueue<InferenceResult> handoff;
    private final ArrayDeque<InFlight> window = new ArrayDeque<>();
    private final List<InferenceResult> batch = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong droppedAtHandoff = new AtomicLong();
    private final AtomicLong droppedAfterStop = new AtomicLong();
    private volatile long published;
    private volatile long resent;
    private volatile long droppedOnError;
    private volatile long deliveredAfterDrop;
    private volatile long queueRecords;
    private volatile long queueBytes;
    private volatile long queueDrops;

    private long retryAt;
    private long nextSync;
    private boolean storingFails;
    private boolean sendingFails;
    private boolean ackedSinceSync;

    /** A record sent and not confirmed yet; {@code deadline} moves on while the connection is down. */
    private static final class InFlight {
        final long sequence;
        final CompletableFuture<Void> outcome;
        final boolean unreadable;
        long deadline;

        InFlight(long sequence, CompletableFuture<Void> outcome, boolean unreadable, long deadline) {
            this.sequence = sequence;
            this.outcome = outcome;
            this.unreadable = unreadable;
            this.deadline = deadline;
        }
    }

    Forwarder(GatewayConnection connection, DiskQueue queue, PublisherSettings settings, Logger log) {
        this.connection = connection;
        this.queue = queue;
        this.settings = settings;
        this.log = log;
        this.handoff = new ArrayBlockingQueue<>(settings.handoffCapacity());
        this.thread = new Thread(this::run, "quantedge-results");
        this.thread.setDaemon(true);
        updateQueueCounts();
    }

    void start() {
        thread.start();
    }

    /** Takes {@code result} for sending; never blocks. */
    void offer(InferenceResult result) {
        accepted.incrementAndGet();
        if (!running) {
            // A caller still holding a stopped publisher: nothing would write the result any more.
            droppedAfterStop.incrementAndGet();
            return;
        }
        if (!handoff.offer(result)) {
            // The writer is this far behind only when the disk stalls: the configured policy decides who goes.
            if (settings.limits().whenFull() == WhenFull.DROP_OLDEST) {
                if (handoff.poll() != null) {
                    droppedAtHandoff.incrementAndGet();
                }
                if (!handoff.offer(result)) {
                    droppedAtHandoff.incrementAndGet();
                }
            } else {
                droppedAtHandoff.incrementAndGet();
            }
        }
        LockSupport.unpark(thread);
    }

    PublisherCounts counts() {
        long waitingInMemory = handoff.size();
        return new PublisherCounts(accepted.get(), published, resent, queueRecords + waitingInMemory, queueBytes,
                queueDrops - deliveredAfterDrop + droppedAtHandoff.get(), droppedOnError + droppedAfterStop.get());
    }

    /** Stops sending, writes what is still in memory to the queue, and closes it. */
    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(STOP_WAIT_MILLIS);
        if (thread.isAlive()) {
            log.warn("Results: the forwarder did not stop within {} ms", STOP_WAIT_MILLIS);
        }
    }

    private void run() {
        nextSync = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.syncIntervalMillis());
        try {
            while (running) {
                try {
                    step();
                } catch (RuntimeException e) {
                    // A bug must not end publishing for good: say so, start over from what is unconfirmed.
                    log.error("Results: unexpected error; sending again from the first unconfirmed result", e);
                    window.clear();
                    queue.rewind();
                    retryAt = System.nanoTime() + RETRY_DELAY_NANOS;
                }
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        } catch (Error e) {
            log.error("Results: the forwarder stopped on a fatal error; results are no longer sent", e);
            throw e;
        } finally {
            store();
            try {
                queue.close();
            } catch (QueueException e) {
                log.error("Results: the queue did not close cleanly: {}", e.getMessage());
            }
        }
    }

    private void step() {
        long now = System.nanoTime();
        boolean stored = store();
        settle(now);
        if (connection.isConnected() && now - retryAt >= 0) {
            send(now);
        }
        if (settings.syncIntervalMillis() == 0 ? stored || ackedSinceSync : now - nextSync >= 0) {
            sync();
            ackedSinceSync = false;
            nextSync = now + TimeUnit.MILLISECONDS.toNanos(settings.syncIntervalMillis());
        }
        updateQueueCounts();
    }

    /** Appends what the callers handed over; true when something was appended. */
    private boolean store() {
        handoff.drainTo(batch);
        if (batch.isEmpty()) {
            return false;
        }
        boolean appended = false;
        for (InferenceResult result : batch) {
            try {
                appended |= queue.append(new SpooledResult(result.pipeline(), ResultJson.encode(result)).toBytes());
                if (storingFails) {
                    storingFails = false;
                    log.info("Results: the queue in {} accepts results again ({} dropped so far)",
                            queue.directory(), droppedOnError);
                }
            } catch (QueueException e) {
                droppedOnError++;
                if (!storingFails) {
                    storingFails = true;
                    log.error("Results: cannot store results in {} ({}); results are dropped and counted until it "
                            + "can (free disk space there, or configure another queueDirectory)", queue.directory(),
                            e.getMessage());
                }
            }
        }
        batch.clear();
        return appended;
    }

    /** Acknowledges what the broker confirmed, in order, and starts over from the first failure. */
    private void settle(long now) {
        boolean connected = connection.isConnected();
        while (!window.isEmpty()) {
            InFlight first = window.peekFirst();
            if (first.outcome.isDone()) {
                Throwable failure = failureOf(first.outcome);
                if (failure == null || first.unreadable) {
                    window.pollFirst();
                    acknowledge(first, failure == null && !first.unreadable);
                    continue;
                }
                resendFromFirst("failed: " + failure, now);
                return;
            }
            if (!connected) {
                first.deadline = now + TimeUnit.MILLISECONDS.toNanos(settings.publishTimeoutMillis());
            } else if (now - first.deadline >= 0) {
                resendFromFirst("not confirmed within " + settings.publishTimeoutMillis() + " ms", now);
            }
            return;
        }
    }

    private void acknowledge(InFlight done, boolean delivered) {
        try {
            boolean stillQueued = queue.ack(done.sequence);
            ackedSinceSync = true;
            if (delivered) {
                published++;
                if (!stillQueued) {
                    // Dropped to make room while its send was under way, and delivered all the same.
                    deliveredAfterDrop++;
                }
                if (sendingFails) {
                    sendingFails = false;
                    log.info("Results: the broker confirms results again; {} waiting", queue.records());
                }
            } else if (stillQueued) {
                droppedOnError++;
            }
        } catch (QueueException e) {
            log.error("Results: cannot acknowledge a delivered result: {}", e.getMessage());
        }
    }

    private void resendFromFirst(String why, long now) {
        if (!sendingFails) {
            sendingFails = true;
            log.warn("Results: a result was {}; sending again from the first unconfirmed one ({} waiting)", why,
                    queue.records());
        }
        resent += window.size();
        window.clear();
        queue.rewind();
        retryAt = now + RETRY_DELAY_NANOS;
    }

    private void send(long now) {
        long deadline = now + TimeUnit.MILLISECONDS.toNanos(settings.publishTimeoutMillis());
        while (window.size() < settings.maxInFlight()) {
            QueuedRecord record;
            try {
                record = queue.readNext();
            } catch (QueueException e) {
                log.error("Results: cannot read the queue: {}", e.getMessage());
                retryAt = now + RETRY_DELAY_NANOS;
                return;
            }
            if (record == null) {
                return;
            }
            SpooledResult result;
            try {
                result = SpooledResult.fromBytes(record.payload());
            } catch (IllegalArgumentException e) {
                log.warn("Results: queued record {} is unreadable ({}); dropped", record.sequence(), e.getMessage());
                window.addLast(new InFlight(record.sequence(), CompletableFuture.completedFuture(null), true,
                        deadline));
                continue;
            }
            CompletableFuture<Void> outcome = connection.publishConfirmed(
                    connection.topic("results/" + result.pipeline()), result.json(), settings.qos(), false);
            window.addLast(new InFlight(record.sequence(), outcome, false, deadline));
            if (outcome.isDone()) {
                if (failureOf(outcome) != null) {
                    return;
                }
            } else {
                outcome.whenComplete((ignored, failure) -> LockSupport.unpark(thread));
            }
        }
    }

    private void sync() {
        try {
            queue.sync();
        } catch (QueueException e) {
            log.error("Results: cannot force the queue to disk: {}", e.getMessage());
        }
    }

    private void updateQueueCounts() {
        queueRecords = queue.records();
        queueBytes = queue.bytes();
        queueDrops = queue.droppedOldest() + queue.droppedNewest();
    }

    private static Throwable failureOf(CompletableFuture<Void> outcome) {
        if (!outcome.isCompletedExceptionally()) {
            return null;
        }
        try {
            outcome.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}
