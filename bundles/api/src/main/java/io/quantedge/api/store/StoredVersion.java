package io.quantedge.api.store;

import java.util.Objects;

/**
 * A kept version and where it is in its life: staged (verified and on disk), validated (ran its
 * test vectors), active (the one in use), or failed ({@code failure} says why; empty otherwise).
 */
public record StoredVersion(StoredModel model, State state, String failure) {

    public enum State { STAGED, VALIDATED, ACTIVE, FAILED }

    public StoredVersion {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(failure, "failure");
    }
}
