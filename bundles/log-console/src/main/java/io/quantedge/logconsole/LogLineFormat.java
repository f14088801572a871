package io.quantedge.logconsole;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.osgi.service.log.LogLevel;

/** One log entry as one line (plus a stack trace): time, level, bundle, message. */
final class LogLineFormat {

    private LogLineFormat() {
    }

    static String format(long millis, LogLevel level, String bundle, String message, Throwable exception) {
        StringBuilder line = new StringBuilder(160)
                .append(Instant.ofEpochMilli(millis))
                .append(' ')
                .append(String.format("%-5s", level))
                .append(" [").append(bundle).append("] ")
                .append(message);
        if (exception != null) {
            StringWriter trace = new StringWriter();
            exception.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        return line.toString();
    }
}
