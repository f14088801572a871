package io.quantedge.results;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.log.Logger;

/** A logger that keeps what was said at warning level and above, and prints it so a failing test explains itself. */
final class RecordingLog {

    private final List<String> warnings = new ArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if ((name.equals("warn") || name.equals("error") || name.equals("info")) && args != null) {
                    String line = name + ": " + format(args);
                    System.err.println(line);
                    if (!name.equals("info")) {
                        synchronized (warnings) {
                            warnings.add(line);
                        }
                    }
                }
                if (name.equals("getName")) {
                    return "test";
                }
                return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            });

    List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    /** The SLF4J-style {} placeholders filled in, so tests can look for what the operator would read. */
    private static String format(Object[] args) {
        String text = String.valueOf(args[0]);
        List<Object> values = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i] instanceof Object[] array) {
                values.addAll(Arrays.asList(array));
            } else {
                values.add(args[i]);
            }
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (Object value : values) {
            int at = text.indexOf("{}", from);
            if (at < 0) {
                break;
            }
            out.append(text, from, at).append(value);
            from = at + 2;
        }
        return out.append(text.substring(from)).toString();
    }
}
