package io.quantedge.mqtt.update;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/** Parses a begin message strictly: a JSON object of known fields of the right types. */
final class BeginMessage {

    private static final Set<String> FIELDS = Set.of("model", "version", "sizeBytes", "sha256", "chunkBytes", "chunks",
            "url");

    private BeginMessage() {
    }

    static UpdateRequest parse(byte[] payload, UpdateOptions limits) throws UpdateException {
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(new String(payload, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new UpdateException("BAD_REQUEST", "the begin message is not a JSON object");
            }
            json = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new UpdateException("BAD_REQUEST", "the begin message is not JSON: " + e.getMessage());
        }
        for (String field : json.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new UpdateException("BAD_REQUEST", "unknown field '" + field + "' in the begin message; known: "
                        + FIELDS.stream().sorted().toList());
            }
        }
        Optional<String> url = Optional.ofNullable(text(json, "url"));
        return UpdateRequest.checked(text(json, "model"), text(json, "version"), number(json, "sizeBytes"),
                text(json, "sha256"), url.isPresent() ? 0 : (int) Math.min(Integer.MAX_VALUE, number(json, "chunkBytes")),
                url.isPresent() ? 0 : (int) Math.min(Integer.MAX_VALUE, number(json, "chunks")), url, limits);
    }

    private static String text(JsonObject json, String field) throws UpdateException {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new UpdateException("BAD_REQUEST", "'" + field + "' must be a string");
        }
        return value.getAsString();
    }

    private static long number(JsonObject json, String field) throws UpdateException {
        JsonElement value = json.get(field);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new UpdateException("BAD_REQUEST", "'" + field + "' must be a number");
        }
        double number = value.getAsDouble();
        if (number != Math.rint(number) || Math.abs(number) > Long.MAX_VALUE / 2.0) {
            throw new UpdateException("BAD_REQUEST", "'" + field + "' must be a whole number");
        }
        return value.getAsLong();
    }
}
