package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs one computation per thread, all at once and repeatedly, and requires each to give exactly
 * what it gave when run alone: a kernel that keeps per-call state in a field, or shares a scratch
 * buffer between threads, gives another thread's numbers or a mix of them.
 */
final class ConcurrentRuns {

    private static final int ROUNDS = 30;
    private static final long TIMEOUT_SECONDS = 60;

    private ConcurrentRuns() {
    }

    /** {@code computation.apply(t)} is thread t's work: each call computes afresh and returns its output. */
    static void assertSameAsSequential(int threads, IntFunction<Supplier<Object>> computation, String context)
            throws InterruptedException {
        List<Supplier<Object>> work = new ArrayList<>();
        List<Object> alone = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            work.add(computation.apply(thread));
            alone.add(work.get(thread).get());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<String>> outcomes = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int index = thread;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < ROUNDS; round++) {
                        if (!Objects.deepEquals(alone.get(index), work.get(index).get())) {
                            return "thread " + index + " got a different result in round " + round;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> outcome : outcomes) {
                String mismatch = outcome.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (mismatch != null) {
                    fail(context + ": run from " + threads + " threads at once, " + mismatch
                            + " than when run alone");
                }
            }
        } catch (ExecutionException failed) {
            throw new AssertionError(context + ": failed when run from " + threads + " threads at once",
                    failed.getCause());
        } catch (TimeoutException stuck) {
            fail(context + ": " + threads + " threads did not finish " + ROUNDS + " rounds in " + TIMEOUT_SECONDS
                    + " s");
        } finally {
            pool.shutdownNow();
        }
    }
}
