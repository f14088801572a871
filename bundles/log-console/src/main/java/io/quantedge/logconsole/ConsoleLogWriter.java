package io.quantedge.logconsole;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The gateway's log output: every Log Service entry at or above the configured level, one line
 * each, on standard error, where systemd's journal or the terminal picks it up. The level is also
 * set as the root level of the Log Service, so entries below it are not even created.
 */
@Component(service = {}, immediate = true, configurationPid = "io.quantedge.log")
@Designate(ocd = ConsoleLogOptions.class)
public final class ConsoleLogWriter implements LogListener {

    private static final String EVENTS_BUNDLE = "Events.Bundle";

    private final LogReaderService reader;
    private final LoggerAdmin loggerAdmin;
    private final PrintStream out = System.err;
    private volatile LogLevel level;
    private volatile LogLevel eventLevel;
    private volatile java.util.Set<String> quietBundles = java.util.Set.of();

    private final boolean command;

    @Activate
    public ConsoleLogWriter(@Reference LogReaderService reader, @Reference LoggerAdmin loggerAdmin,
                            ConsoleLogOptions options, org.osgi.framework.BundleContext context) {
        this.reader = reader;
        this.loggerAdmin = loggerAdmin;
        // For a CLI command the output is the result: only warnings and errors are logged.
        this.command = "command".equals(context.getProperty("quantedge.mode"));
        configure(options);
        // Bundles that started before this one have logged already; the Log Service keeps a short
        // history (newest first), so print what came before listening, then listen.
        long listening = System.currentTimeMillis();
        reader.addLogListener(this);
        replayHistoryBefore(listening);
    }

    private void replayHistoryBefore(long listening) {
        java.util.List<LogEntry> earlier = new java.util.ArrayList<>();
        java.util.Enumeration<LogEntry> history = reader.getLog();
        while (history.hasMoreElements()) {
            LogEntry entry = history.nextElement();
            if (entry.getTime() < listening) {
                earlier.add(entry);
            }
        }
        java.util.Collections.reverse(earlier);
        earlier.forEach(this::logged);
    }

    @Modified
    void configure(ConsoleLogOptions options) {
        Map<String, LogLevel> levels = rootAndEventLevels(command ? LogLevel.WARN : parseLevel(options.level()));
        level = levels.get(Logger.ROOT_LOGGER_NAME);
        eventLevel = levels.get(EVENTS_BUNDLE);
        quietBundles = java.util.Set.of(options.quietBundles());
        loggerAdmin.getLoggerContext(null).setLogLevels(levels);
    }

    @Deactivate
    void stop() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        // Felix Log records framework events without asking the logger's level, so check here too.
        String logger = entry.getLoggerName();
        String bundle = entry.getBundle() == null ? "?" : entry.getBundle().getSymbolicName();
        LogLevel threshold = logger != null && logger.startsWith("Events.") ? eventLevel
                : quietBundles.contains(bundle) ? eventLevel : level;
        if (!threshold.implies(entry.getLogLevel())) {
            return;
        }
        out.println(LogLineFormat.format(entry.getTime(), entry.getLogLevel(), bundle, entry.getMessage(),
                entry.getException()));
    }

    /**
     * The Log Service also logs every framework, bundle and service event at INFO; that is noise
     * for an operator, so those loggers stay at WARN unless DEBUG or TRACE is asked for.
     */
    static Map<String, LogLevel> rootAndEventLevels(LogLevel wanted) {
        LogLevel events = wanted.implies(LogLevel.DEBUG) ? wanted : LogLevel.WARN;
        return Map.of(Logger.ROOT_LOGGER_NAME, wanted,
                "Events.Framework", events, EVENTS_BUNDLE, events, "Events.Service", events);
    }

    static LogLevel parseLevel(String text) {
        try {
            return LogLevel.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // A typo in the level must not silence the log: fall back to the default and say so.
            System.err.println("io.quantedge.log: unknown level '" + text + "', using INFO");
            return LogLevel.INFO;
        }
    }
}
