package io.quantedge.mqtt;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/** Configuration and logging for components built outside a framework. */
public final class TestOptions {

    private TestOptions() {
    }

    /** The options' defaults, with {@code overrides} by attribute name. */
    public static MqttOptions mqtt(Map<String, Object> overrides) {
        return (MqttOptions) Proxy.newProxyInstance(MqttOptions.class.getClassLoader(),
                new Class<?>[] {MqttOptions.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return MqttOptions.class;
                    }
                    Object value = overrides.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }

    /** Loggers that print warnings and errors (a test's output then explains its failure) and drop the rest. */
    public static LoggerFactory loggers() {
        Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if ((method.getName().equals("warn") || method.getName().equals("error")) && args != null) {
                        System.err.println(method.getName() + ": " + java.util.Arrays.toString(args));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> logger);
    }
}
