package io.quantedge.modelstore;

import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the store records about one version in its model's state file: its state (staged,
 * validated or failed; which version is active is the state file's pointer, not a version's own
 * state), when it was stored, its model file with size and SHA-256, and who signed it.
 */
record VersionEntry(String version, StoredVersion.State state, Instant storedAt, String modelPath, String modelSha256,
                    long modelSize, Optional<String> signer, String failure) {

    VersionEntry {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(failure, "failure");
        if (state == StoredVersion.State.ACTIVE) {
            throw new IllegalArgumentException("active is the state file's pointer, not a version's recorded state");
        }
    }

    VersionEntry withState(StoredVersion.State newState, String why) {
        return new VersionEntry(version, newState, storedAt, modelPath, modelSha256, modelSize, signer, why);
    }

    StoredModel model(String name, Path versionDirectory) {
        return new StoredModel(name, version, modelSha256, modelSize, versionDirectory.resolve(modelPath), storedAt);
    }
}
