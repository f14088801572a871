package io.quantedge.quantize.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of the form {@code --name value}, {@code --name=value} (repeatable) and flags
 * {@code --name}; anything else is a usage error, as is an unknown option.
 */
final class Arguments {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Arguments() {
    }

    static Arguments parse(List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return parsed;
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    String one(String name, String fallback) throws UsageException {
        List<String> given = all(name);
        if (given.size() > 1) {
            throw new UsageException("--" + name + " is given " + given.size() + " times");
        }
        return given.isEmpty() ? fallback : given.get(0);
    }

    String required(String name) throws UsageException {
        String value = one(name, null);
        if (value == null) {
            throw new UsageException("--" + name + " is required");
        }
        return value;
    }

    int positiveInt(String name, int fallback) throws UsageException {
        String text = one(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a positive integer, not '" + text + "'");
        }
    }
}
