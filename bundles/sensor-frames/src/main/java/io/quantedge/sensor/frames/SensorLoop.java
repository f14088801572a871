package io.quantedge.sensor.frames;

import io.quantedge.api.sensor.FrameListener;
import java.time.Duration;

/**
 * The one thread of a started sensor, and the start/stop rules every adapter keeps: a second start
 * only replaces the listener; stop ends the loop (waking it with {@code wakeUp}, which closes
 * whatever it is blocked on), waits for it, and only then detaches the listener, so that after
 * stop returns no frame is delivered.
 */
public final class SensorLoop {

    private final FrameOutlet outlet;
    private final String threadName;
    private final Runnable body;
    private final Runnable wakeUp;
    private final Duration stopWait;
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean running;

    /** {@code body} runs on the sensor's thread and returns once {@link #running()} is false. */
    public SensorLoop(FrameOutlet outlet, String threadName, Runnable body, Runnable wakeUp, Duration stopWait) {
        this.outlet = outlet;
        this.threadName = threadName;
        this.body = body;
        this.wakeUp = wakeUp;
        this.stopWait = stopWait;
    }

    /** Whether the loop should go on. */
    public boolean running() {
        return running;
    }

    /** Attaches {@code listener}; starts the thread unless it runs. True when it was started now. */
    public boolean start(FrameListener listener) {
        synchronized (lifecycle) {
            outlet.attach(listener);
            if (thread != null) {
                return false;
            }
            running = true;
            thread = new Thread(body, threadName);
            thread.setDaemon(true);
            thread.start();
            return true;
        }
    }

    /** Stops the thread and detaches the listener. True when a running thread was stopped. */
    public boolean stop() {
        Thread stopping;
        synchronized (lifecycle) {
            stopping = thread;
            thread = null;
            running = false;
        }
        if (stopping != null) {
            wakeUp.run();
            try {
                stopping.join(stopWait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        outlet.detach();
        return stopping != null;
    }

    /** Sleeps up to {@code millis}, cut short when the loop stops; false when it stopped. */
    public boolean pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (running && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running;
    }
}
