package io.quantedge.modelpackage;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses JSON as strictly as a signed document deserves: UTF-8 only, RFC 8259 syntax only, no key
 * twice in an object (two parsers could otherwise read different values from the same signed
 * bytes), nothing after the value, and a bounded depth, so a hostile file cannot exhaust the stack.
 */
final class StrictJson {

    static final int MAX_DEPTH = 32;

    private StrictJson() {
    }

    /** The JSON object in {@code bytes}; {@code what} names the document in error messages. */
    static JsonObject parseObject(byte[] bytes, String what) throws PackageException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PackageException(Code.MALFORMED, what + " is not UTF-8 text");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = read(reader, 0, what);
            if (!atEnd(reader)) {
                throw new PackageException(Code.MALFORMED, what + ": unexpected data after the JSON object");
            }
            if (!root.isJsonObject()) {
                throw new PackageException(Code.MALFORMED, what + ": expected a JSON object");
            }
            return root.getAsJsonObject();
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new PackageException(Code.MALFORMED, what + " is not valid JSON: " + plain(e.getMessage()));
        }
    }

    private static boolean atEnd(JsonReader reader) {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException e) {
            return false; // in strict mode a second value is itself a syntax error
        }
    }

    /** Gson's message without its advice to parse leniently, which is the opposite of what is wanted here. */
    private static String plain(String message) {
        String first = String.valueOf(message).lines().findFirst().orElse("");
        return first.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "");
    }

    private static JsonElement read(JsonReader reader, int depth, String what) throws IOException, PackageException {
        if (depth > MAX_DEPTH) {
            throw new PackageException(Code.MALFORMED, what + " nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String key = reader.nextName();
                    if (object.has(key)) {
                        throw new PackageException(Code.MALFORMED, what + " has the key '" + key + "' twice in one object");
                    }
                    object.add(key, read(reader, depth + 1, what));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1, what));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new PackageException(Code.MALFORMED, what + ": unexpected " + reader.peek()
                    + " at " + reader.getPath());
        }
    }
}
