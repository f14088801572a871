package io.quantedge.results;

import io.quantedge.results.queue.QueueLimits;
import io.quantedge.results.queue.WhenFull;
import java.nio.file.Path;
import java.util.Locale;

/** The publisher's configuration, checked: every value in range, the folder resolved. */
record PublisherSettings(int qos, Path directory, QueueLimits limits, long syncIntervalMillis, int maxInFlight,
                         long publishTimeoutMillis, int handoffCapacity) {

    static final String PID = "io.quantedge.results";

    PublisherSettings {
        if (qos != 0 && qos != 1) {
            throw invalid("qos", qos, "0 or 1");
        }
        if (syncIntervalMillis < 0) {
            throw invalid("syncIntervalMillis", syncIntervalMillis, "0 or more");
        }
        if (maxInFlight < 1 || maxInFlight > 16) {
            throw invalid("maxInFlight", maxInFlight, "1 to 16 (below the broker's receive maximum)");
        }
        if (publishTimeoutMillis < 1) {
            throw invalid("publishTimeoutSeconds", publishTimeoutMillis, "1 or more");
        }
        if (handoffCapacity < 16) {
            throw invalid("handoffCapacity", handoffCapacity, "16 or more");
        }
    }

    static PublisherSettings from(ResultsOptions options, String dataDirectory) {
        if (options.queueMaxMb() < 1) {
            throw invalid("queueMaxMb", options.queueMaxMb(), "1 or more");
        }
        if (options.segmentMb() < 1) {
            throw invalid("segmentMb", options.segmentMb(), "1 or more");
        }
        WhenFull whenFull;
        try {
            whenFull = WhenFull.valueOf(options.whenFull().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("whenFull", options.whenFull(), "DROP_OLDEST or DROP_NEWEST");
        }
        long maxBytes = (long) options.queueMaxMb() << 20;
        // A segment larger than the whole queue would keep delivered results on disk for nothing.
        long segmentBytes = Math.min((long) options.segmentMb() << 20, Math.max(maxBytes / 4, 64 << 10));
        return new PublisherSettings(options.qos(), directory(options.queueDirectory(), dataDirectory),
                new QueueLimits(maxBytes, options.queueMaxRecords(), segmentBytes, whenFull),
                options.syncIntervalMillis(), options.maxInFlight(), options.publishTimeoutSeconds() * 1000L,
                options.handoffCapacity());
    }

    /** The configured folder, else the data folder's results, else ./data/results. */
    static Path directory(String configured, String dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        return (dataDirectory == null || dataDirectory.isBlank() ? Path.of("data") : Path.of(dataDirectory))
                .resolve("results");
    }

    private static IllegalArgumentException invalid(String name, Object value, String allowed) {
        return new IllegalArgumentException(PID + ": " + name + " is " + value + "; it must be " + allowed);
    }
}
