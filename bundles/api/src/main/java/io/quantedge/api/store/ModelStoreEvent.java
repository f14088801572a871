package io.quantedge.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A step in a model version's life: staged, validated, activated, rolled back, removed, or failed.
 * {@code previous} is the version that was active before an activation or rollback, if any;
 * {@code detail} explains failures and rollbacks.
 */
public record ModelStoreEvent(Type type, StoredModel model, Optional<StoredModel> previous, Instant at,
                              String detail) {

    public enum Type { STAGED, VALIDATED, ACTIVATED, ROLLED_BACK, REMOVED, FAILED }

    public ModelStoreEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }
}
