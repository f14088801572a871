package io.quantedge.api.sensor;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One sample from a sensor: an encoded image, raw pixels, or a window of numeric readings, told
 * apart by {@code mediaType}. {@code sequence} counts frames of one sensor from 0. Attributes carry
 * what the media type leaves open (width and height of raw pixels, the labelled class of a replayed
 * test image). The payload is a read-only view; a frame is immutable.
 */
public record Frame(String sensorId, long sequence, Instant timestamp, String mediaType, ByteBuffer payload,
                    Map<String, String> attributes) {

    public static final String JPEG = "image/jpeg";
    public static final String PNG = "image/png";
    /** Interleaved 8-bit RGB pixels, row-major; attributes {@link #WIDTH} and {@link #HEIGHT}. */
    public static final String RGB8 = "image/x-raw-rgb8";
    /** 8-bit grey pixels, row-major; attributes {@link #WIDTH} and {@link #HEIGHT}. */
    public static final String GRAY8 = "image/x-raw-gray8";
    /** Little-endian float32 readings. */
    public static final String FLOAT32 = "application/x-float32le";

    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    /** The known label of a replayed, labelled sample, so a pipeline can report its accuracy. */
    public static final String LABEL = "label";

    public Frame {
        Objects.requireNonNull(sensorId, "sensorId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(mediaType, "mediaType");
        payload = payload.slice().asReadOnlyBuffer();
        attributes = Map.copyOf(attributes);
    }

    /** A fresh read-only view of the payload, positioned at 0. */
    @Override
    public ByteBuffer payload() {
        return payload.duplicate();
    }
}
