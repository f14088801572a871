package io.quantedge.sensor.frames;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorStatistics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a sensor's frames leave it: numbers them, hands them to the current listener and counts
 * what was delivered, skipped and rejected. Detaching waits for a delivery under way, so after
 * {@link #detach()} returns no frame reaches the old listener: what {@code SensorAdapter.stop()}
 * promises.
 */
public final class FrameOutlet {

    private final String sensorId;
    private final Object deliveryLock = new Object();
    private FrameListener listener;
    private long sequence;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile String lastProblem = "";

    public FrameOutlet(String sensorId) {
        this.sensorId = sensorId;
    }

    public String sensorId() {
        return sensorId;
    }

    /** Frames go to {@code next} from now on (replacing any earlier listener). */
    public void attach(FrameListener next) {
        synchronized (deliveryLock) {
            listener = next;
        }
    }

    /** No frame goes anywhere from now on; waits for a delivery under way. */
    public void detach() {
        synchronized (deliveryLock) {
            listener = null;
        }
    }

    /**
     * Hands a frame to the listener, if one is attached; false when none is (the frame is dropped
     * and not numbered). A listener that throws is recorded as the last problem, and the sensor goes on.
     */
    public boolean deliver(Instant timestamp, String mediaType, byte[] payload, Map<String, String> attributes) {
        synchronized (deliveryLock) {
            if (listener == null) {
                return false;
            }
            Frame frame = new Frame(sensorId, sequence++, timestamp, mediaType, ByteBuffer.wrap(payload), attributes);
            delivered.incrementAndGet();
            try {
                listener.onFrame(frame);
            } catch (RuntimeException e) {
                lastProblem = "the frame listener failed: " + e;
            }
            return true;
        }
    }

    /** A frame left out on purpose (beyond the frame-rate limit). */
    public void skipped() {
        skipped.incrementAndGet();
    }

    /** An input refused as bad, and why. */
    public void rejected(String problem) {
        rejected.incrementAndGet();
        lastProblem = problem;
    }

    /** The source was lost and is being reached again, and why it was lost. */
    public void reconnecting(String problem) {
        reconnects.incrementAndGet();
        lastProblem = problem;
    }

    /** A problem that is neither a bad input nor a lost connection (a refused login, a full disk). */
    public void problem(String problem) {
        lastProblem = problem;
    }

    public SensorStatistics statistics() {
        return new SensorStatistics(delivered.get(), skipped.get(), rejected.get(), reconnects.get(), lastProblem);
    }
}
