package io.quantedge.modelstore;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.ModelStoreException.Code;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The model store on a folder of the local disk, without OSGi ({@link ModelStoreComponent} is its
 * service form). Opening it takes the folder's lock and recovers from whatever a crash
 * interrupted ({@link Recovery}). Each change is made durable in this order: a new version's files
 * are extracted into the staging folder, forced to disk and renamed into place; then the model's
 * state file is replaced atomically; only then is the change visible to callers and published.
 * A crash before the state file is replaced leaves the previous state, and the next start removes
 * what the unfinished change wrote.
 */
public final class FileModelStore implements ModelStore, AutoCloseable {

    private final StoreLayout layout;
    private final StoreSettings settings;
    private final ModelPackages packages;
    private final Consumer<ModelStoreEvent> events;
    private final StoreLock lock;
    private final Recovery.Result recovery;
    /** Guarded by this: each model's state, always the one its state file holds. */
    private final Map<String, ModelState> states;
    /** Guarded by this: packages already checked this run, by "name/version". */
    private final Map<String, VerifiedPackage> checked = new HashMap<>();
    private boolean closed;

    private FileModelStore(StoreSettings settings, ModelPackages packages, Consumer<ModelStoreEvent> events,
                           StoreLock lock, Recovery.Result recovery) {
        this.layout = new StoreLayout(settings.directory());
        this.settings = settings;
        this.packages = packages;
        this.events = events;
        this.lock = lock;
        this.recovery = recovery;
        this.states = new TreeMap<>(recovery.states());
        recovery.activePackages().forEach((name, pkg) -> checked.put(key(name, pkg.manifest().version()), pkg));
    }

    /**
     * Opens the store in {@code settings.directory()} (created if missing), recovering from an
     * interrupted operation first. {@code events} is told of every change, in order, on the thread
     * that made it.
     *
     * @throws ModelStoreException {@code IN_USE} when another process has the store open
     */
    public static FileModelStore open(StoreSettings settings, ModelPackages packages, Consumer<ModelStoreEvent> events)
            throws ModelStoreException {
        StoreLayout layout = new StoreLayout(settings.directory());
        StoreLock lock = null;
        try {
            DurableFiles.createDirectories(layout.root());
            lock = StoreLock.take(layout.lockFile(), layout.root());
            FileModelStore store = new FileModelStore(settings, packages, events, lock, Recovery.run(layout, packages));
            store.recovery.events().forEach(events);
            return store;
        } catch (IOException e) {
            closeQuietly(lock);
            throw failure("cannot open the model store in " + layout.root(), e);
        } catch (ModelStoreException | RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    /** What opening did to recover, for the log at INFO. */
    public List<String> recoveryActions() {
        return recovery.actions();
    }

    /** What opening found wrong, for the log at WARN. */
    public List<String> recoveryProblems() {
        return recovery.problems();
    }

    public Path directory() {
        return layout.root();
    }

    @Override
    public synchronized Set<String> modelNames() {
        return new TreeSet<>(states.keySet());
    }

    @Override
    public synchronized Optional<StoredModel> active(String name) {
        ModelState state = states.get(name);
        return state == null ? Optional.empty()
                : state.active().flatMap(state::find).map(v -> model(name, v));
    }

    @Override
    public synchronized List<StoredModel> versions(String name) {
        return storedVersions(name).stream().map(StoredVersion::model).toList();
    }

    @Override
    public synchronized List<StoredVersion> storedVersions(String name) {
        ModelState state = states.get(name);
        if (state == null) {
            return List.of();
        }
        return state.versions().stream()
                .map(v -> new StoredVersion(model(name, v), state.stateOf(v), v.failure())).toList();
    }

    @Override
    public synchronized Optional<StoredModel> rollbackTarget(String name) {
        ModelState state = states.get(name);
        return state == null ? Optional.empty() : state.rollbackTarget().map(v -> model(name, v));
    }

    @Override
    public StoredModel stage(Path packageFile) throws PackageException, ModelStoreException {
        return stage(packageFile, Optional.empty());
    }

    @Override
    public StoredModel stageDerived(Path packageFile, String baseVersion) throws PackageException,
            ModelStoreException {
        return stage(packageFile, Optional.of(baseVersion));
    }

    private StoredModel stage(Path packageFile, Optional<String> baseVersion) throws PackageException,
            ModelStoreException {
        checkSpaceFor(packageFile);
        Path staging = layout.newStagingDirectory();
        try {
            // Extracting is the slow part and touches only a staging folder of its own: no lock.
            VerifiedPackage verified = baseVersion.isPresent() ? packages.openDerived(packageFile, staging)
                    : packages.open(packageFile, staging);
            DurableFiles.forceTree(staging);
            DurableFiles.forceDirectory(layout.staging());
            return commitStaged(verified, baseVersion);
        } catch (IOException e) {
            throw failure("cannot stage " + packageFile, e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private synchronized StoredModel commitStaged(VerifiedPackage verified, Optional<String> baseVersion)
            throws ModelStoreException, IOException {
        checkOpen();
        String name = verified.manifest().name();
        String version = verified.manifest().version();
        Optional<String> signer = verified.signer();
        String provenance = "signed by " + signer.map(id -> "key " + id).orElse("nobody (unsigned)");
        if (baseVersion.isPresent()) {
            // A package made on this gateway has no signature; its trust is the base version's, which must be good.
            ModelState known = states.get(name);
            VersionEntry base = known == null ? null : known.find(baseVersion.get()).orElse(null);
            if (base == null) {
                throw new ModelStoreException(Code.NOT_FOUND, "model '" + name + "' has no version '" + baseVersion.get()
                        + "' to derive " + version + " from");
            }
            if (base.state() == StoredVersion.State.FAILED) {
                throw new ModelStoreException(Code.INVALID_STATE, "version " + base.version() + " of '" + name
                        + "' failed (" + base.failure() + "); nothing is derived from it");
            }
            signer = base.signer();
            provenance = "derived on this gateway from version " + base.version() + ", "
                    + signer.map(id -> "signed by key " + id).orElse("unsigned");
        }
        if (recovery.unreadable().contains(name)) {
            // A new state file would orphan, and the next start delete, the versions the damaged one names.
            throw new ModelStoreException(Code.INVALID_STATE, "the state of model '" + name + "' in "
                    + layout.model(name) + " could not be read at start; repair or remove that folder and restart");
        }
        ModelState state = states.getOrDefault(name, ModelState.empty(name));
        VersionEntry entry = new VersionEntry(version, StoredVersion.State.STAGED, Instant.now(),
                verified.manifest().model(), verified.manifest().modelFile().sha256(),
                verified.manifest().modelFile().size(), signer, "");
        ModelState next = state.staged(entry);
        Path target = layout.version(name, version);
        DurableFiles.createDirectories(layout.versions(name));
        DurableFiles.deleteTree(target); // a folder no state names, left by a failure earlier in this run
        DurableFiles.move(verified.directory(), target);
        try {
            StateFile.write(layout.stateFile(name), next);
        } catch (IOException e) {
            deleteQuietly(target);
            throw e;
        }
        states.put(name, next);
        checked.put(key(name, version), verified.movedTo(target));
        StoredModel stored = model(name, entry);
        publish(ModelStoreEvent.Type.STAGED, stored, Optional.empty(), provenance);
        return stored;
    }

    @Override
    public VerifiedPackage contents(String name, String version) throws PackageException, ModelStoreException {
        VersionEntry entry;
        synchronized (this) {
            checkOpen();
            VerifiedPackage known = checked.get(key(name, version));
            if (known != null) {
                return known;
            }
            entry = state(name).get(version);
        }
        VerifiedPackage reopened = Recovery.reopen(packages, layout, name, entry);
        synchronized (this) {
            checked.put(key(name, version), reopened);
        }
        return reopened;
    }

    @Override
    public synchronized void markValidated(String name, String version) throws ModelStoreException {
        ModelState next = state(name).validated(version);
        commit(next);
        publish(ModelStoreEvent.Type.VALIDATED, model(name, next.get(version)), Optional.empty(), "");
    }

    @Override
    public synchronized StoredModel activate(String name, String version) throws ModelStoreException {
        ModelState state = state(name);
        if (state.isActive(version)) {
            return model(name, state.get(version));
        }
        Optional<StoredModel> previous = active(name);
        ModelState next = state.activated(version);
        commit(next);
        StoredModel activated = model(name, next.get(version));
        publish(ModelStoreEvent.Type.ACTIVATED, activated, previous, "");
        try {
            prune(name);
        } catch (ModelStoreException e) {
            // The activation stands; the versions beyond retention stay until the next prune succeeds.
        }
        return activated;
    }

    @Override
    public synchronized StoredModel rollback(String name, String reason) throws ModelStoreException {
        ModelState state = state(name);
        Optional<StoredModel> failed = active(name);
        ModelState next = state.rolledBack(reason);
        commit(next);
        StoredModel restored = model(name, next.get(next.active().orElseThrow()));
        publish(ModelStoreEvent.Type.ROLLED_BACK, restored, failed, reason);
        return restored;
    }

    @Override
    public synchronized void recordFailure(String name, String version, String reason) throws ModelStoreException {
        ModelState next = state(name).failed(version, reason);
        commit(next);
        publish(ModelStoreEvent.Type.FAILED, model(name, next.get(version)), Optional.empty(), reason);
    }

    @Override
    public synchronized List<StoredModel> prune(String name) throws ModelStoreException {
        ModelState state = state(name);
        List<VersionEntry> removed = state.beyond(settings.keptVersions());
        if (removed.isEmpty()) {
            return List.of();
        }
        List<StoredModel> models = new ArrayList<>();
        removed.forEach(v -> models.add(model(name, v)));
        commit(state.without(removed));
        for (VersionEntry entry : removed) {
            checked.remove(key(name, entry.version()));
            // The state no longer names it: renamed out of sight first, so no half-deleted version is ever in place.
            Path trash = layout.newStagingDirectory();
            try {
                DurableFiles.move(layout.version(name, entry.version()), trash);
            } catch (IOException e) {
                trash = layout.version(name, entry.version()); // an orphan now; the next start removes it
            }
            deleteQuietly(trash);
        }
        models.forEach(m -> publish(ModelStoreEvent.Type.REMOVED, m, Optional.empty(), "beyond the "
                + settings.keptVersions() + " versions kept"));
        return models;
    }

    /** Releases the store's folder for another process. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        lock.close();
    }

    private void checkSpaceFor(Path packageFile) throws PackageException, ModelStoreException {
        long size;
        try {
            size = Files.size(packageFile);
        } catch (NoSuchFileException e) {
            throw new PackageException(PackageException.Code.IO, "there is no package file " + packageFile);
        } catch (IOException e) {
            throw new PackageException(PackageException.Code.IO, "cannot read " + packageFile + ": " + e.getMessage(), e);
        }
        long free;
        try {
            free = Files.getFileStore(layout.root()).getUsableSpace();
        } catch (IOException e) {
            throw failure("cannot tell the free space of " + layout.root(), e);
        }
        // The package's files take about as much as the package: models barely compress.
        if (free - size < settings.minFreeBytes()) {
            throw new ModelStoreException(Code.NO_SPACE, "staging " + packageFile.getFileName() + " needs about "
                    + mib(size) + " and " + mib(settings.minFreeBytes()) + " must stay free, but " + layout.root()
                    + " has only " + mib(free) + " free; prune old versions or free space");
        }
    }

    private ModelState state(String name) throws ModelStoreException {
        checkOpen();
        ModelState state = states.get(name);
        if (state == null) {
            throw new ModelStoreException(Code.NOT_FOUND, "there is no model '" + name + "' in the store");
        }
        return state;
    }

    /** Makes {@code next} durable, then current: callers and listeners never see a state the disk does not hold. */
    private void commit(ModelState next) throws ModelStoreException {
        try {
            StateFile.write(layout.stateFile(next.name()), next);
        } catch (IOException e) {
            throw failure("cannot record the new state of model '" + next.name() + "'", e);
        }
        states.put(next.name(), next);
    }

    private void publish(ModelStoreEvent.Type type, StoredModel model, Optional<StoredModel> previous, String detail) {
        events.accept(new ModelStoreEvent(type, model, previous, Instant.now(), detail));
    }

    private StoredModel model(String name, VersionEntry entry) {
        return entry.model(name, layout.version(name, entry.version()));
    }

    private void checkOpen() throws ModelStoreException {
        if (closed) {
            throw new ModelStoreException(Code.IO, "the model store in " + layout.root() + " is closed");
        }
    }

    private static String key(String name, String version) {
        return name + "/" + version;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    static ModelStoreException failure(String what, IOException e) {
        String message = String.valueOf(e.getMessage());
        Code code = message.contains("No space left on device") || message.contains("Disk quota exceeded")
                ? Code.NO_SPACE : Code.IO;
        return new ModelStoreException(code, what + ": " + e, e);
    }

    private static void deleteQuietly(Path path) {
        try {
            DurableFiles.deleteTree(path);
        } catch (IOException e) {
            // a leftover in the staging folder is removed at the next start
        }
    }

    private static void closeQuietly(StoreLock lock) {
        if (lock != null) {
            lock.close();
        }
    }
}
