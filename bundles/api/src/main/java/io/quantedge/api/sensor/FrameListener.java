package io.quantedge.api.sensor;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the frames of a sensor. Called on the sensor's thread: it must return quickly. */
@ConsumerType
@FunctionalInterface
public interface FrameListener {

    void onFrame(Frame frame);
}
