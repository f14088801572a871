package io.quantedge.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code *.cfg.json} file, parsed: the configuration it targets and its properties.
 *
 * <p>The file name says the target, as OSGi R7 names configurations: {@code PID.cfg.json} is the
 * configuration {@code PID}; {@code FACTORY~NAME.cfg.json} is the named factory configuration
 * {@code NAME} of {@code FACTORY}. The content is one JSON object of properties. Strings may refer
 * to framework properties as {@code ${name}}. JSON values map to the types ConfigAdmin holds:
 * strings, booleans, whole numbers (Long), other numbers (Double), and arrays of one of those.
 */
public record JsonConfiguration(String pid, Optional<String> factoryName, Map<String, Object> properties) {

    static final String SUFFIX = ".cfg.json";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    public JsonConfiguration {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(factoryName, "factoryName");
        properties = Map.copyOf(properties);
    }

    public boolean isFactory() {
        return factoryName.isPresent();
    }

    public static boolean handles(String fileName) {
        return fileName.endsWith(SUFFIX) && fileName.length() > SUFFIX.length();
    }

    /**
     * Parses the file {@code fileName} with content {@code json}, resolving {@code ${name}} through
     * {@code variables} (which answers null for an unknown name).
     *
     * @throws InvalidConfigurationException naming the file and, where it applies, the property
     */
    public static JsonConfiguration parse(String fileName, String json, Function<String, String> variables)
            throws InvalidConfigurationException {
        if (!handles(fileName)) {
            throw new InvalidConfigurationException(fileName + ": not a *" + SUFFIX + " file");
        }
        String target = fileName.substring(0, fileName.length() - SUFFIX.length());
        int tilde = target.indexOf('~');
        String pid = tilde < 0 ? target : target.substring(0, tilde);
        Optional<String> name = tilde < 0 ? Optional.empty() : Optional.of(target.substring(tilde + 1));
        if (pid.isEmpty() || name.map(String::isEmpty).orElse(false)) {
            throw new InvalidConfigurationException(fileName + ": expected PID" + SUFFIX + " or FACTORY~NAME" + SUFFIX);
        }

        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new InvalidConfigurationException(fileName + ": not valid JSON: " + e.getMessage());
        }
        if (!root.isJsonObject()) {
            throw new InvalidConfigurationException(fileName + ": expected a JSON object of properties");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : ((JsonObject) root).entrySet()) {
            String where = fileName + ": property '" + entry.getKey() + "'";
            properties.put(entry.getKey(), toConfigValue(entry.getValue(), where, variables));
        }
        return new JsonConfiguration(pid, name, properties);
    }

    private static Object toConfigValue(JsonElement value, String where, Function<String, String> variables)
            throws InvalidConfigurationException {
        if (value.isJsonPrimitive()) {
            return toScalar(value.getAsJsonPrimitive(), where, variables);
        }
        if (value.isJsonArray()) {
            return toArray(value.getAsJsonArray(), where, variables);
        }
        throw new InvalidConfigurationException(where + ": ConfigAdmin holds no "
                + (value.isJsonNull() ? "null" : "nested object") + "; use a string, number, boolean or array");
    }

    private static Object toScalar(JsonPrimitive value, String where, Function<String, String> variables)
            throws InvalidConfigurationException {
        if (value.isBoolean()) {
            return value.getAsBoolean();
        }
        if (value.isNumber()) {
            BigDecimal number = value.getAsBigDecimal();
            try {
                return number.longValueExact();
            } catch (ArithmeticException notWhole) {
                return number.doubleValue();
            }
        }
        return substitute(value.getAsString(), where, variables);
    }

    private static Object toArray(JsonArray array, String where, Function<String, String> variables)
            throws InvalidConfigurationException {
        Object[] values = new Object[array.size()];
        Class<?> type = String.class;
        for (int i = 0; i < values.length; i++) {
            JsonElement element = array.get(i);
            if (!element.isJsonPrimitive()) {
                throw new InvalidConfigurationException(where + ": array elements must be strings, numbers or booleans");
            }
            values[i] = toScalar(element.getAsJsonPrimitive(), where, variables);
            type = i == 0 ? values[i].getClass() : widen(type, values[i].getClass(), where);
        }
        Object[] typed = (Object[]) java.lang.reflect.Array.newInstance(type, values.length);
        for (int i = 0; i < values.length; i++) {
            typed[i] = type == Double.class && values[i] instanceof Long l ? Double.valueOf(l) : values[i];
        }
        return typed;
    }

    /** Whole and fractional numbers may mix in one array (as Doubles); anything else must agree. */
    private static Class<?> widen(Class<?> seen, Class<?> next, String where) throws InvalidConfigurationException {
        if (seen == next) {
            return seen;
        }
        boolean numbers = (seen == Long.class || seen == Double.class) && (next == Long.class || next == Double.class);
        if (numbers) {
            return Double.class;
        }
        throw new InvalidConfigurationException(where + ": array mixes " + seen.getSimpleName() + " and "
                + next.getSimpleName() + " values");
    }

    private static String substitute(String text, String where, Function<String, String> variables)
            throws InvalidConfigurationException {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = variables.apply(matcher.group(1));
            if (value == null) {
                throw new InvalidConfigurationException(where + ": unknown variable ${" + matcher.group(1) + "}");
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }
}
