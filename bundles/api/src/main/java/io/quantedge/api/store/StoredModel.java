package io.quantedge.api.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/** One version of a model as the store holds it on disk. */
public record StoredModel(String name, String version, String sha256, long sizeBytes, Path path, Instant storedAt) {

    public StoredModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(storedAt, "storedAt");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative size: " + sizeBytes);
        }
    }
}
