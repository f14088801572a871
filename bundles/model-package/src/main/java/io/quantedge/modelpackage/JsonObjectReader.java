package io.quantedge.modelpackage;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reads the fields of one JSON object by name and type, remembering which were read, so that
 * {@link #requireNoOtherFields} can refuse any it does not know: a field this gateway ignores might
 * be one the sender relies on. Errors name the field by its path ({@code outputs[0].labels}).
 */
final class JsonObjectReader {

    private final JsonObject object;
    private final String path;
    private final Set<String> read = new HashSet<>();

    JsonObjectReader(JsonObject object, String path) {
        this.object = object;
        this.path = path;
    }

    boolean has(String key) {
        return object.has(key);
    }

    String string(String key) throws PackageException {
        JsonPrimitive value = primitive(key, "a string");
        if (!value.isString()) {
            throw wrongType(key, "a string");
        }
        return value.getAsString();
    }

    Optional<String> optionalString(String key) throws PackageException {
        return object.has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    long wholeNumber(String key) throws PackageException {
        BigDecimal value = number(key);
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            throw wrongType(key, "a whole number");
        }
    }

    int optionalInt(String key, int otherwise) throws PackageException {
        if (!object.has(key)) {
            return otherwise;
        }
        long value = wholeNumber(key);
        if (value != (int) value) {
            throw wrongType(key, "a whole number below 2^31");
        }
        return (int) value;
    }

    double optionalDouble(String key, double otherwise) throws PackageException {
        return object.has(key) ? decimal(key) : otherwise;
    }

    double decimal(String key) throws PackageException {
        return number(key).doubleValue();
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) throws PackageException {
        String text = string(key);
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PackageException(Code.MALFORMED, at(key) + ": '" + text + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    JsonObjectReader object(String key) throws PackageException {
        JsonElement value = required(key);
        if (!value.isJsonObject()) {
            throw wrongType(key, "an object");
        }
        return new JsonObjectReader(value.getAsJsonObject(), at(key));
    }

    Optional<JsonObjectReader> optionalObject(String key) throws PackageException {
        return object.has(key) ? Optional.of(object(key)) : Optional.empty();
    }

    List<JsonObjectReader> objects(String key) throws PackageException {
        List<JsonObjectReader> objects = new ArrayList<>();
        List<JsonElement> items = items(key, "an object", JsonElement::isJsonObject);
        for (int i = 0; i < items.size(); i++) {
            objects.add(new JsonObjectReader(items.get(i).getAsJsonObject(), at(key) + "[" + i + "]"));
        }
        return objects;
    }

    List<String> strings(String key) throws PackageException {
        return items(key, "a string", e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()).stream()
                .map(JsonElement::getAsString).toList();
    }

    List<Double> decimals(String key) throws PackageException {
        return items(key, "a number", e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()).stream()
                .map(e -> e.getAsBigDecimal().doubleValue()).toList();
    }

    /** A JSON object whose values are all strings, in the file's order. */
    Map<String, String> stringMap(String key) throws PackageException {
        JsonObjectReader map = object(key);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : map.object.keySet()) {
            values.put(name, map.string(name));
        }
        return values;
    }

    /** Refuses the object if it has a field none of the reads above asked for. */
    void requireNoOtherFields() throws PackageException {
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new PackageException(Code.UNKNOWN_FIELD, (path.isEmpty() ? "the manifest" : path)
                    + " has fields this gateway does not know: " + unknown
                    + "; a newer format needs a newer gateway");
        }
    }

    /** The items of an array, each of which must be {@code expected}. */
    private List<JsonElement> items(String key, String expected, Predicate<JsonElement> accepts)
            throws PackageException {
        JsonElement value = required(key);
        if (!value.isJsonArray()) {
            throw wrongType(key, "an array");
        }
        JsonArray array = value.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            if (!accepts.test(array.get(i))) {
                throw new PackageException(Code.MALFORMED, at(key) + "[" + i + "]: expected " + expected + ", got "
                        + array.get(i));
            }
        }
        return array.asList();
    }

    private BigDecimal number(String key) throws PackageException {
        JsonPrimitive value = primitive(key, "a number");
        if (!value.isNumber()) {
            throw wrongType(key, "a number");
        }
        return value.getAsBigDecimal();
    }

    private JsonPrimitive primitive(String key, String expected) throws PackageException {
        JsonElement value = required(key);
        if (!value.isJsonPrimitive()) {
            throw wrongType(key, expected);
        }
        return value.getAsJsonPrimitive();
    }

    private JsonElement required(String key) throws PackageException {
        read.add(key);
        JsonElement value = object.get(key);
        if (value == null) {
            throw new PackageException(Code.MALFORMED, at(key) + " is missing");
        }
        return value;
    }

    private PackageException wrongType(String key, String expected) {
        return new PackageException(Code.MALFORMED, at(key) + ": expected " + expected + ", got " + object.get(key));
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
