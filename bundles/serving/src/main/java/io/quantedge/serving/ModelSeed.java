package io.quantedge.serving;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Installs a shipped model package when the store has no active version of its model, through
 * the path every update takes: the store verifies and stages it (signature, hashes, limits), the
 * server validates (test vectors) and activates it. A store that has the model already is left
 * alone, so an operator's later versions are never replaced by the seed.
 */
final class ModelSeed {

    /** What a seeding did, in a line for the log. */
    record Outcome(Kind kind, String message) {
        enum Kind { INSTALLED, NOT_NEEDED, FAILED }
    }

    private ModelSeed() {
    }

    static Outcome install(ModelStore store, ModelServer server, String model, Path packageFile) {
        if (store.active(model).isPresent()) {
            return new Outcome(Outcome.Kind.NOT_NEEDED, "the store has " + model + " " + store.active(model).get().version()
                    + " active; the seed " + packageFile + " is not needed");
        }
        if (!Files.isRegularFile(packageFile)) {
            return new Outcome(Outcome.Kind.FAILED, "SEED_MISSING: the seed package " + packageFile + " for " + model
                    + " does not exist");
        }
        String version;
        try {
            StoredModel staged = store.stage(packageFile);
            if (!staged.name().equals(model)) {
                return new Outcome(Outcome.Kind.FAILED, "SEED_MISMATCH: the seed package " + packageFile + " holds model "
                        + staged.name() + ", not " + model + "; it stays staged and is not activated");
            }
            version = staged.version();
        } catch (ModelStoreException e) {
            if (e.code() != ModelStoreException.Code.VERSION_EXISTS) {
                return new Outcome(Outcome.Kind.FAILED, e.code() + ": the seed package " + packageFile + " was not staged: "
                        + e.getMessage());
            }
            // Staged by an earlier start that stopped before activating it: deploy that version.
            Optional<String> waiting = waitingVersion(store.storedVersions(model));
            if (waiting.isEmpty()) {
                return new Outcome(Outcome.Kind.FAILED, "SEED_FAILED: " + model + " from the seed is in the store but failed "
                        + "before: " + store.storedVersions(model));
            }
            version = waiting.get();
        } catch (PackageException e) {
            return new Outcome(Outcome.Kind.FAILED, e.code() + ": the seed package " + packageFile + " is refused: "
                    + e.getMessage());
        }
        try {
            server.deploy(model, version, (step, detail) -> { });
            return new Outcome(Outcome.Kind.INSTALLED, "installed " + model + " " + version + " from the seed package " + packageFile);
        } catch (DeploymentException e) {
            return new Outcome(Outcome.Kind.FAILED, e.code() + ": the seed " + model + " " + version + " was not deployed: "
                    + e.getMessage());
        }
    }

    private static Optional<String> waitingVersion(List<StoredVersion> versions) {
        return versions.stream()
                .filter(v -> v.state() == StoredVersion.State.STAGED || v.state() == StoredVersion.State.VALIDATED)
                .max(Comparator.comparing(v -> v.model().storedAt()))
                .map(v -> v.model().version());
    }
}
