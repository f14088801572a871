package io.quantedge.api.modelpackage;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A package whose signature, sizes and hashes were checked, extracted into {@code directory}:
 * each listed file is at {@code directory/path}, beside the package's {@code manifest.json} and
 * (when signed) {@code manifest.sig}. {@code signer} is the id of the trusted key that signed it;
 * empty when it was accepted unsigned.
 */
public record VerifiedPackage(PackageManifest manifest, Path directory, Optional<String> signer) {

    public VerifiedPackage {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(signer, "signer");
    }

    /** The extracted file at package path {@code path}. */
    public Path file(String path) {
        PackageFile listed = manifest.file(path)
                .orElseThrow(() -> new IllegalArgumentException("'" + path + "' is not a file of " + manifest.name()));
        return directory.resolve(listed.path());
    }

    /** The extracted model file. */
    public Path model() {
        return file(manifest.model());
    }

    /** The same package, found in another folder (after the folder was moved). */
    public VerifiedPackage movedTo(Path newDirectory) {
        return new VerifiedPackage(manifest, newDirectory, signer);
    }
}
