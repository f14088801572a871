package io.quantedge.sensor.mqtt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Numeric readings as a frame carries them: little-endian float32, every value finite. */
final class Readings {

    private Readings() {
    }

    /** A JSON array of numbers, e.g. {@code [0.12, -3, 4.5e2]}, as float32 bytes; throws saying what is wrong. */
    static byte[] fromJson(byte[] payload) throws BadReadingsException {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(new String(payload, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new BadReadingsException("not JSON: " + e.getMessage());
        }
        if (!parsed.isJsonArray() || parsed.getAsJsonArray().isEmpty()) {
            throw new BadReadingsException("JSON readings must be a non-empty array of numbers, e.g. [0.5, 1.25]");
        }
        JsonArray values = parsed.getAsJsonArray();
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.size(); i++) {
            JsonElement value = values.get(i);
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw new BadReadingsException("element " + i + " of the JSON readings is " + value + ", not a number");
            }
            float reading = value.getAsFloat();
            if (!Float.isFinite(reading)) {
                throw new BadReadingsException("element " + i + " of the JSON readings, " + value
                        + ", does not fit a float32");
            }
            bytes.putFloat(reading);
        }
        return bytes.array();
    }

    /** Raw little-endian float32 readings, checked: a whole number of values, each finite. */
    static byte[] checkFloat32(byte[] payload) throws BadReadingsException {
        if (payload.length == 0 || payload.length % Float.BYTES != 0) {
            throw new BadReadingsException("raw float32 readings of " + payload.length
                    + " bytes: not a whole, non-zero number of 4-byte values");
        }
        ByteBuffer bytes = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < payload.length / Float.BYTES; i++) {
            if (!Float.isFinite(bytes.getFloat(i * Float.BYTES))) {
                throw new BadReadingsException("raw float32 reading " + i + " is " + bytes.getFloat(i * Float.BYTES));
            }
        }
        return payload;
    }

    /** Readings refused, with what was wrong. */
    static final class BadReadingsException extends Exception {
        private static final long serialVersionUID = 1L;

        BadReadingsException(String message) {
            super(message);
        }
    }
}
