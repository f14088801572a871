package io.quantedge.sensor.frames;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/** Configuration and logging for components built outside a framework. */
public final class TestOptions {

    private TestOptions() {
    }

    /**
     * An options annotation with {@code values} by attribute name (the method's name, as
     * {@code quantedge_sensor_id}), the defaults for the rest.
     */
    public static <A> A of(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("annotationType")) {
                return type;
            }
            Object value = values.get(method.getName());
            return value != null ? value : method.getDefaultValue();
        }));
    }

    /** A logger that prints warnings and errors (a failing test then explains itself) and drops the rest. */
    public static Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if ((method.getName().equals("warn") || method.getName().equals("error")) && args != null) {
                        System.err.println(method.getName() + ": " + java.util.Arrays.deepToString(args));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
    }

    public static LoggerFactory loggers() {
        Logger logger = logger();
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> logger);
    }
}
