package io.quantedge.modelstore;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the store does when it opens, to undo whatever a crash interrupted: it empties the staging
 * folder, deletes half-written state files and version folders no state file names, then checks
 * every active version's files against their recorded hashes; a damaged one is recorded as failed
 * and the last good version before it becomes active again. A state file that cannot be read is
 * left alone and its model is not served. Everything done is reported, for the log.
 */
final class Recovery {

    /**
     * The states to serve, the models whose state could not be read (left alone), what was done
     * (for the log at INFO), what is wrong (WARN), and the events to publish.
     */
    record Result(Map<String, ModelState> states, Set<String> unreadable, Map<String, VerifiedPackage> activePackages,
                  List<String> actions, List<String> problems, List<ModelStoreEvent> events) {
    }

    private final StoreLayout layout;
    private final ModelPackages packages;
    private final Map<String, ModelState> states = new TreeMap<>();
    private final Set<String> unreadable = new java.util.TreeSet<>();
    private final Map<String, VerifiedPackage> activePackages = new TreeMap<>();
    private final List<String> actions = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<ModelStoreEvent> events = new ArrayList<>();

    private Recovery(StoreLayout layout, ModelPackages packages) {
        this.layout = layout;
        this.packages = packages;
    }

    static Result run(StoreLayout layout, ModelPackages packages) throws IOException, ModelStoreException {
        Recovery recovery = new Recovery(layout, packages);
        recovery.emptyStaging();
        for (Path entry : list(layout.root())) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            if (!Files.isDirectory(entry) || !PackageManifest.isValidName(name)) {
                recovery.problems.add("Ignoring " + entry + ": not a model folder");
                continue;
            }
            recovery.recover(name);
        }
        return new Result(recovery.states, recovery.unreadable, recovery.activePackages, recovery.actions,
                recovery.problems, recovery.events);
    }

    private void emptyStaging() throws IOException {
        DurableFiles.createDirectories(layout.staging());
        List<Path> leftovers = list(layout.staging());
        for (Path leftover : leftovers) {
            DurableFiles.deleteTree(leftover);
        }
        if (!leftovers.isEmpty()) {
            DurableFiles.forceDirectory(layout.staging());
            actions.add("Removed " + leftovers.size() + " unfinished staging folder(s) left by an interrupted operation");
        }
    }

    private void recover(String name) throws IOException, ModelStoreException {
        Path model = layout.model(name);
        for (Path file : list(model)) {
            if (file.getFileName().toString().endsWith(DurableFiles.TEMPORARY_SUFFIX)) {
                Files.delete(file);
                actions.add("Model '" + name + "': removed " + file.getFileName() + ", a state change that never "
                        + "completed");
            }
        }
        Path stateFile = layout.stateFile(name);
        if (!Files.exists(stateFile)) {
            // Only the very first staging of a model creates its folder before its state file.
            DurableFiles.deleteTree(model);
            DurableFiles.forceDirectory(layout.root());
            actions.add("Model '" + name + "': removed a first version whose staging never completed");
            return;
        }
        ModelState state;
        try {
            state = StateFile.read(stateFile);
        } catch (IOException e) {
            problems.add("Model '" + name + "' is not served: " + e.getMessage() + "; repair or remove " + model);
            unreadable.add(name);
            return;
        }
        if (!state.name().equals(name)) {
            problems.add("Model '" + name + "' is not served: " + stateFile + " names model '" + state.name() + "'");
            unreadable.add(name);
            return;
        }
        ModelState recovered = removeOrphans(removeMissing(state));
        recovered = checkActive(recovered);
        if (!recovered.equals(state)) {
            StateFile.write(stateFile, recovered);
        }
        states.put(name, recovered);
    }

    /** Versions the state names whose folder is gone cannot be served: forget them. */
    private ModelState removeMissing(ModelState state) throws ModelStoreException {
        ModelState next = state;
        for (VersionEntry entry : state.versions()) {
            if (!Files.isDirectory(layout.version(state.name(), entry.version()))) {
                problems.add("Model '" + state.name() + "' version '" + entry.version() + "' is missing from "
                        + layout.versions(state.name()));
                next = next.withoutDamaged(entry.version(), "missing on disk", v -> true).without(List.of(entry));
            }
        }
        return next;
    }

    /** Version folders the state does not name were left by a staging or a removal that never completed. */
    private ModelState removeOrphans(ModelState state) throws IOException {
        Set<String> known = new HashSet<>(state.versions().stream().map(VersionEntry::version).toList());
        Path versions = layout.versions(state.name());
        for (Path folder : list(versions)) {
            if (!known.contains(folder.getFileName().toString())) {
                DurableFiles.deleteTree(folder);
                DurableFiles.forceDirectory(versions);
                actions.add("Model '" + state.name() + "': removed version folder '" + folder.getFileName()
                        + "' left by an interrupted operation");
            }
        }
        return state;
    }

    /** The active version's files must match their hashes; if not, the last good version before it takes over. */
    private ModelState checkActive(ModelState state) throws ModelStoreException {
        ModelState current = state;
        while (current.active().isPresent()) {
            VersionEntry active = current.get(current.active().get());
            try {
                activePackages.put(state.name(), reopen(packages, layout, state.name(), active));
                return current;
            } catch (PackageException e) {
                ModelState next = current.withoutDamaged(active.version(), "damaged on disk: " + e.getMessage(),
                        v -> true);
                Optional<String> fallback = next.active();
                problems.add("Model '" + state.name() + "' version '" + active.version() + "' is damaged on disk ("
                        + e.getMessage() + "); " + fallback.map(v -> "version '" + v + "' is active again")
                        .orElse("no good version is left to serve"));
                if (fallback.isPresent()) {
                    events.add(new ModelStoreEvent(ModelStoreEvent.Type.ROLLED_BACK,
                            next.get(fallback.get()).model(state.name(), layout.version(state.name(), fallback.get())),
                            Optional.of(active.model(state.name(), layout.version(state.name(), active.version()))),
                            Instant.now(), "damaged on disk: " + e.getMessage()));
                }
                current = next;
            }
        }
        return current;
    }

    /**
     * A kept version's package, read again with every file's size and hash checked, and its
     * manifest checked to be the one recorded when the version was stored.
     */
    static VerifiedPackage reopen(ModelPackages packages, StoreLayout layout, String name, VersionEntry entry)
            throws PackageException {
        VerifiedPackage reopened = packages.reopen(layout.version(name, entry.version()));
        PackageManifest manifest = reopened.manifest();
        if (!manifest.name().equals(name) || !manifest.version().equals(entry.version())
                || !manifest.model().equals(entry.modelPath())
                || !manifest.modelFile().sha256().equals(entry.modelSha256())) {
            throw new PackageException(PackageException.Code.HASH_MISMATCH, "the manifest in "
                    + layout.version(name, entry.version()) + " is not the one stored");
        }
        return reopened;
    }

    static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }
}
