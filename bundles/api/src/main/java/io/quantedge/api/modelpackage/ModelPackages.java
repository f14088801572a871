package io.quantedge.api.modelpackage;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes and verifies model packages. A package is a zip of {@code manifest.json}, when signed
 * {@code manifest.sig} (an Ed25519 signature over the exact manifest bytes), and the files the
 * manifest lists with their sizes and SHA-256; nothing else.
 * Which keys are trusted, whether unsigned packages are allowed, and the size limits are the
 * service's configuration.
 */
@ProviderType
public interface ModelPackages {

    /**
     * Verifies {@code packageFile} and extracts it into {@code directory}, which must not exist yet
     * (its parent must). The zip's structure, the signature and the manifest are checked before
     * anything is written; each file's size, compression ratio and hash while it is streamed. On
     * any failure {@code directory} is removed again, so nothing is left behind.
     */
    VerifiedPackage open(Path packageFile, Path directory) throws PackageException;

    /**
     * Like {@link #open}, but without asking for a signature: for a package this gateway wrote
     * itself from a version it had verified (a model calibrated on the gateway), which no trusted
     * key can have signed. Every other check of {@link #open} applies. Never for a package that came
     * from outside the gateway: those go through {@link #open}. Since 1.1.
     */
    VerifiedPackage openDerived(Path packageFile, Path directory) throws PackageException;

    /**
     * The manifest of a package file ({@code .qmp}) or of a {@code manifest.json}, parsed as
     * strictly as {@link #open} parses it, but neither its signature nor its files are checked: for
     * tools that only need what the manifest says (how images become the model's input, say), never
     * for installing. Since 1.1.
     */
    PackageManifest readManifest(Path file) throws PackageException;

    /**
     * A package extracted earlier by {@link #open}, read again from {@code directory}: its manifest,
     * with every file's size and SHA-256 checked once more (the signature is not: it was checked on
     * opening). For starting up after a crash or a power cut.
     */
    VerifiedPackage reopen(Path directory) throws PackageException;

    /**
     * Writes a package of {@code contents} to {@code packageFile}, signed with {@code signingKey}
     * (an Ed25519 private key) or unsigned when empty; returns the manifest written. The file
     * appears complete or not at all.
     */
    PackageManifest write(PackageContents contents, Optional<PrivateKey> signingKey, Path packageFile)
            throws PackageException;
}
