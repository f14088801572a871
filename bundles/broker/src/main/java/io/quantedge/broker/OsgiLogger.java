package io.quantedge.broker;

import java.util.function.Supplier;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger of the broker writing to the OSGi logger of the same name. Only warnings and
 * errors come through: Artemis narrates its start in a dozen INFO lines about journals and
 * clustering that mean nothing for a broker inside a gateway, which logs one line of its own.
 */
final class OsgiLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient Supplier<LoggerFactory> loggers;

    OsgiLogger(String name, Supplier<LoggerFactory> loggers) {
        this.name = name;
        this.loggers = loggers;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return false;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        LoggerFactory factory = loggers.get();
        if (factory == null) {
            if (level.toInt() >= Level.WARN.toInt()) {
                System.err.println("broker " + level + " " + name + ": " + message);
            }
            return;
        }
        Logger logger = factory.getLogger(name);
        switch (level) {
            case ERROR -> logger.error(message, thrown);
            case WARN -> logger.warn(message, thrown);
            default -> logger.debug(message, thrown);
        }
    }
}
