package io.quantedge.modelstore;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where the store keeps what, under its folder:
 * <pre>
 * .lock                        held while a store is open: one process at a time
 * .staging/UUID/               a package being extracted, or a version being deleted; emptied at start
 * NAME/state.json              the model's versions and which is active (see {@link StateFile})
 * NAME/versions/VERSION/       an extracted, verified package: manifest.json, manifest.sig, files
 * </pre>
 * Model names and versions never start with '.', so they cannot collide with the store's own entries.
 */
record StoreLayout(Path root) {

    Path lockFile() {
        return root.resolve(".lock");
    }

    Path staging() {
        return root.resolve(".staging");
    }

    Path newStagingDirectory() {
        return staging().resolve(UUID.randomUUID().toString());
    }

    Path model(String name) {
        return root.resolve(name);
    }

    Path stateFile(String name) {
        return model(name).resolve(StateFile.NAME);
    }

    Path versions(String name) {
        return model(name).resolve("versions");
    }

    Path version(String name, String version) {
        return versions(name).resolve(version);
    }
}
