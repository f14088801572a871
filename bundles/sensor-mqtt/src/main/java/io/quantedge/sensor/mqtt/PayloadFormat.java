package io.quantedge.sensor.mqtt;

import io.quantedge.api.sensor.Frame;
import io.quantedge.sensor.frames.EncodedImage;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What a received payload is, as configured or as the message and its first bytes say. */
enum PayloadFormat {
    AUTO, JPEG, PNG, JSON, FLOAT32;

    /** The user property a device without MQTT 5 content type support may set instead. */
    static final String CONTENT_TYPE_PROPERTY = "content-type";

    private static final Map<String, PayloadFormat> BY_CONTENT_TYPE = Map.of(Frame.JPEG, JPEG, Frame.PNG, PNG,
            "application/json", JSON, Frame.FLOAT32, FLOAT32);

    /** The format a content type names, if it names one of ours (parameters such as charset ignored). */
    static Optional<PayloadFormat> ofContentType(String contentType) {
        String bare = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return Optional.ofNullable(BY_CONTENT_TYPE.get(bare));
    }

    /** JPEG or PNG by signature, JSON when the first non-blank byte opens an array; else empty. */
    static Optional<PayloadFormat> sniff(byte[] payload) {
        String image = EncodedImage.sniff(payload, payload.length);
        if (image != null) {
            return Optional.of(image.equals(Frame.JPEG) ? JPEG : PNG);
        }
        for (byte b : payload) {
            if (b == '[') {
                return Optional.of(JSON);
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                break;
            }
        }
        return Optional.empty();
    }
}
