package io.quantedge.modelstore;

import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.ModelStoreException.Code;
import io.quantedge.api.store.StoredVersion.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One model's state as its state file holds it: the kept versions, oldest first; the active one;
 * and the versions active before it, most recent first, the first good one of which is the
 * rollback target. Immutable: each operation returns the next state, which the store makes
 * durable in one atomic replacement of the state file before anyone sees it.
 */
record ModelState(String name, Optional<String> active, List<String> previous, List<VersionEntry> versions) {

    ModelState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(active, "active");
        previous = List.copyOf(previous);
        versions = List.copyOf(versions);
    }

    static ModelState empty(String name) {
        return new ModelState(name, Optional.empty(), List.of(), List.of());
    }

    Optional<VersionEntry> find(String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    VersionEntry get(String version) throws ModelStoreException {
        return find(version).orElseThrow(() -> new ModelStoreException(Code.NOT_FOUND, "model '" + name
                + "' has no version '" + version + "' in the store"));
    }

    boolean isActive(String version) {
        return active.isPresent() && active.get().equals(version);
    }

    /** A version's state as the API reports it: the active pointer wins over the recorded state. */
    State stateOf(VersionEntry entry) {
        return isActive(entry.version()) ? State.ACTIVE : entry.state();
    }

    /** The most recently active version before the active one that is still kept and good. */
    Optional<VersionEntry> rollbackTarget() {
        return previous.stream().map(this::find).flatMap(Optional::stream)
                .filter(v -> v.state() == State.VALIDATED).findFirst();
    }

    ModelState staged(VersionEntry entry) throws ModelStoreException {
        if (find(entry.version()).isPresent()) {
            throw new ModelStoreException(Code.VERSION_EXISTS, "model '" + name + "' version '" + entry.version()
                    + "' is stored already; give the new package another version");
        }
        List<VersionEntry> next = new ArrayList<>(versions);
        next.add(entry);
        return new ModelState(name, active, previous, next);
    }

    ModelState validated(String version) throws ModelStoreException {
        VersionEntry entry = get(version);
        if (entry.state() != State.STAGED) {
            throw new ModelStoreException(Code.INVALID_STATE, "model '" + name + "' version '" + version + "' is "
                    + stateOf(entry) + "; only a staged version can be marked validated");
        }
        return replace(entry.withState(State.VALIDATED, ""));
    }

    /** {@code version} becomes active; the active one goes first among the previous ones. */
    ModelState activated(String version) throws ModelStoreException {
        VersionEntry entry = get(version);
        if (entry.state() != State.VALIDATED) {
            throw new ModelStoreException(Code.INVALID_STATE, "model '" + name + "' version '" + version + "' is "
                    + stateOf(entry) + "; only a validated version can be activated");
        }
        List<String> before = new ArrayList<>();
        active.ifPresent(before::add);
        previous.stream().filter(v -> !before.contains(v)).forEach(before::add);
        before.remove(version);
        return new ModelState(name, Optional.of(version), before, versions);
    }

    /** The rollback target becomes active; the version that was active is recorded as failed. */
    ModelState rolledBack(String reason) throws ModelStoreException {
        VersionEntry target = rollbackTarget().orElseThrow(() -> new ModelStoreException(Code.NO_ROLLBACK_TARGET,
                "model '" + name + "' has no earlier good version to roll back to"));
        List<String> remaining = previous.subList(previous.indexOf(target.version()) + 1, previous.size());
        ModelState next = new ModelState(name, Optional.of(target.version()), remaining, versions);
        return active.isEmpty() ? next : next.replace(next.get(active.get()).withState(State.FAILED, reason));
    }

    /** A version that is not active failed; it will never be activated. */
    ModelState failed(String version, String reason) throws ModelStoreException {
        VersionEntry entry = get(version);
        if (isActive(version)) {
            throw new ModelStoreException(Code.INVALID_STATE, "model '" + name + "' version '" + version + "' is "
                    + "active; roll it back instead");
        }
        return replace(entry.withState(State.FAILED, reason));
    }

    /**
     * Like {@link #failed}, also for the active version, which is then replaced by the first
     * previous version {@code usable} accepts, or by none. For start-up, when the active
     * version's files turn out to be damaged.
     */
    ModelState withoutDamaged(String version, String reason, java.util.function.Predicate<VersionEntry> usable)
            throws ModelStoreException {
        ModelState next = replace(get(version).withState(State.FAILED, reason));
        if (!isActive(version)) {
            return next;
        }
        List<String> candidates = new ArrayList<>(previous);
        while (!candidates.isEmpty()) {
            String candidate = candidates.remove(0);
            Optional<VersionEntry> entry = next.find(candidate);
            if (entry.isPresent() && entry.get().state() == State.VALIDATED && usable.test(entry.get())) {
                return new ModelState(name, Optional.of(candidate), candidates, next.versions);
            }
        }
        return new ModelState(name, Optional.empty(), List.of(), next.versions);
    }

    /** The oldest versions beyond {@code kept}, never the active one nor the rollback target. */
    List<VersionEntry> beyond(int kept) {
        Set<String> protectedVersions = new java.util.HashSet<>();
        active.ifPresent(protectedVersions::add);
        rollbackTarget().ifPresent(t -> protectedVersions.add(t.version()));
        List<VersionEntry> removable = new ArrayList<>();
        int excess = versions.size() - kept;
        for (VersionEntry entry : versions) {
            if (removable.size() >= excess) {
                break;
            }
            if (!protectedVersions.contains(entry.version())) {
                removable.add(entry);
            }
        }
        return removable;
    }

    ModelState without(List<VersionEntry> removed) {
        Set<String> gone = new java.util.HashSet<>(removed.stream().map(VersionEntry::version).toList());
        return new ModelState(name, active.filter(a -> !gone.contains(a)),
                previous.stream().filter(v -> !gone.contains(v)).toList(),
                versions.stream().filter(v -> !gone.contains(v.version())).toList());
    }

    private ModelState replace(VersionEntry entry) {
        List<VersionEntry> next = versions.stream().map(v -> v.version().equals(entry.version()) ? entry : v).toList();
        return new ModelState(name, active, previous, next);
    }
}
