package io.quantedge.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue between a sensor thread and a pipeline's worker. {@link #offer} never blocks
 * and never fails: when the queue is full it drops the oldest item, so the worker always sees the
 * newest frames, and counts the drop. Memory is bounded by the capacity.
 */
final class DropOldestQueue<T> {

    private final Object[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private int head;
    private int size;
    private long dropped;
    private long offered;

    DropOldestQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        ring = new Object[capacity];
    }

    /** Adds {@code item}, dropping the oldest one when full; true when nothing was dropped. */
    boolean offer(T item) {
        lock.lock();
        try {
            offered++;
            boolean room = size < ring.length;
            if (room) {
                ring[(head + size) % ring.length] = item;
                size++;
            } else {
                ring[head] = item;
                head = (head + 1) % ring.length;
                dropped++;
            }
            notEmpty.signal();
            return room;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest item, waiting up to {@code timeout} for one; null when none came. */
    @SuppressWarnings("unchecked")
    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (size == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            T item = (T) ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            return item;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return ring.length;
    }

    /** Items dropped so far to make room for newer ones. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Items offered so far. */
    long offered() {
        lock.lock();
        try {
            return offered;
        } finally {
            lock.unlock();
        }
    }
}
