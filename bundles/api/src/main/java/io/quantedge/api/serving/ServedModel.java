package io.quantedge.api.serving;

import io.quantedge.api.model.ModelReport;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One served model: the version running, its model file's SHA-256, when it was loaded, what it replaced. */
public record ServedModel(String name, String version, String sha256, long sizeBytes, Instant loadedAt,
                          Optional<String> previousVersion, ModelReport report) {

    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(loadedAt, "loadedAt");
        Objects.requireNonNull(previousVersion, "previousVersion");
        Objects.requireNonNull(report, "report");
    }
}
