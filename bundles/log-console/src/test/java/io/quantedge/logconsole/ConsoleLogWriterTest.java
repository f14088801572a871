package io.quantedge.logconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class ConsoleLogWriterTest {

    @Test
    void levelsParseCaseInsensitivelyAndTyposFallBackToInfo() {
        assertEquals(LogLevel.DEBUG, ConsoleLogWriter.parseLevel(" debug "));
        assertEquals(LogLevel.ERROR, ConsoleLogWriter.parseLevel("ERROR"));
        assertEquals(LogLevel.INFO, ConsoleLogWriter.parseLevel("verbose"));
    }

    @Test
    void frameworkEventsStayQuietUnlessDebugIsAskedFor() {
        assertEquals(LogLevel.WARN, ConsoleLogWriter.rootAndEventLevels(LogLevel.INFO).get("Events.Service"));
        assertEquals(LogLevel.INFO, ConsoleLogWriter.rootAndEventLevels(LogLevel.INFO).get("ROOT"));
        assertEquals(LogLevel.DEBUG, ConsoleLogWriter.rootAndEventLevels(LogLevel.DEBUG).get("Events.Bundle"));
        assertEquals(LogLevel.ERROR, ConsoleLogWriter.rootAndEventLevels(LogLevel.ERROR).get("ROOT"));
    }

    @Test
    void aLineCarriesTimeLevelBundleAndMessage() {
        String line = LogLineFormat.format(0L, LogLevel.WARN, "io.quantedge.mqtt", "broker unreachable", null);
        assertEquals("1970-01-01T00:00:00Z WARN  [io.quantedge.mqtt] broker unreachable", line);
    }

    @Test
    void anExceptionFollowsWithItsStackTrace() {
        String line = LogLineFormat.format(0L, LogLevel.ERROR, "b", "failed", new IllegalStateException("boom"));
        assertTrue(line.contains(System.lineSeparator() + "java.lang.IllegalStateException: boom"), line);
        assertTrue(line.contains("at io.quantedge.logconsole.ConsoleLogWriterTest"), line);
    }
}
