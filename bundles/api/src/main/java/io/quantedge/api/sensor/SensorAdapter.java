package io.quantedge.api.sensor;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source of frames: a camera, a folder of snapshots, an MQTT topic, a generator. Each configured
 * instance is one service, identified by {@link #id()}; a pipeline starts it with the listener
 * that takes its frames and stops it when done.
 */
@ConsumerType
public interface SensorAdapter {

    /** Service property carrying the sensor id, so pipelines can select a sensor by filter. */
    String ID_PROPERTY = "quantedge.sensor.id";

    String id();

    /** Starts emitting frames to {@code listener}; a second start replaces the listener. */
    void start(FrameListener listener);

    /** Stops emitting; returns once no further frame will be delivered. */
    void stop();

    /** What the sensor delivered, skipped and rejected so far (since 1.1; none for older sensors). */
    default SensorStatistics statistics() {
        return SensorStatistics.NONE;
    }
}
