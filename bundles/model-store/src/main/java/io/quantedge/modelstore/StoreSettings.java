package io.quantedge.modelstore;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a store is set up: its folder, how many versions of each model it keeps (at least the
 * active one and the rollback target), and how much space must stay free on its file system.
 */
public record StoreSettings(Path directory, int keptVersions, long minFreeBytes) {

    public static final int DEFAULT_KEPT_VERSIONS = 3;

    public StoreSettings {
        Objects.requireNonNull(directory, "directory");
        if (keptVersions < 2) {
            throw new IllegalArgumentException("keptVersions must be at least 2 (the active version and the rollback "
                    + "target), got " + keptVersions);
        }
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must not be negative");
        }
    }

    /** A store in {@code directory} with the default retention and no free-space reserve. */
    public static StoreSettings in(Path directory) {
        return new StoreSettings(directory, DEFAULT_KEPT_VERSIONS, 0);
    }
}
