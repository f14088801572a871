package io.quantedge.backend.nativecode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a product's output columns (in units: 16-column panels, or single columns) into one
 * contiguous range per thread. Columns, not rows, so a matrix-vector product (one row) is split too.
 * The calling thread computes the first range itself and the pool the others, so a caller never
 * waits on a task that waits on it. Small products run on the caller alone: below about a million
 * multiply-adds, handing work to another thread costs more than it saves.
 */
final class ParallelColumns implements AutoCloseable {

    /** One range of units, [first, first + count). */
    @FunctionalInterface
    interface ColumnRange {
        void compute(int first, int count);
    }

    private static final long MIN_WORK_PER_THREAD = 1L << 20;

    private final int threads;
    private final ExecutorService pool;

    ParallelColumns(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, runnable -> {
            Thread thread = new Thread(runnable, "quantedge-native-kernel-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    int threads() {
        return threads;
    }

    /** Runs {@code range} over {@code units} units, each {@code workPerUnit} multiply-adds. */
    void run(int units, long workPerUnit, ColumnRange range) {
        int parts = (int) Math.min(Math.min(threads, units), Math.max(1, (double) units * workPerUnit / MIN_WORK_PER_THREAD));
        if (parts <= 1) {
            range.compute(0, units);
            return;
        }
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int part = 1; part < parts; part++) {
            int first = start(units, parts, part);
            int count = start(units, parts, part + 1) - first;
            others.add(pool.submit(() -> range.compute(first, count)));
        }
        range.compute(0, start(units, parts, 1));
        for (Future<?> other : others) {
            join(other);
        }
    }

    private static int start(int units, int parts, int part) {
        return (int) ((long) units * part / parts);
    }

    private static void join(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a native product was running", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
