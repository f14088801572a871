package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link ModelPackages} on plain files, without OSGi: trusting the {@code *.pub} keys of one folder
 * (read again for every package, so a key dropped in is trusted at once), within given limits.
 * {@link ModelPackagesComponent} is its service form; tests and tools construct it directly.
 */
public final class PackageFiles implements ModelPackages {

    private final Path trustedKeysDirectory;
    private final boolean allowUnsigned;
    private final PackageReader reader;
    private final PackageWriter writer = new PackageWriter();

    PackageFiles(Path trustedKeysDirectory, boolean allowUnsigned, PackageLimits limits, Consumer<String> problems) {
        this.trustedKeysDirectory = trustedKeysDirectory;
        this.allowUnsigned = allowUnsigned;
        this.reader = new PackageReader(limits, () -> {
            TrustedKeys keys = TrustedKeys.load(trustedKeysDirectory);
            keys.problems().forEach(problems);
            return keys;
        }, allowUnsigned);
    }

    /** Packages signed by a key in {@code trustedKeysDirectory}, within the default limits. */
    public static PackageFiles trusting(Path trustedKeysDirectory) {
        return new PackageFiles(trustedKeysDirectory, false, PackageLimits.DEFAULT, p -> { });
    }

    /** The same, also accepting unsigned packages: for development. */
    public PackageFiles allowingUnsigned() {
        return new PackageFiles(trustedKeysDirectory, true, reader.limits(), p -> { });
    }

    Path trustedKeysDirectory() {
        return trustedKeysDirectory;
    }

    boolean allowsUnsigned() {
        return allowUnsigned;
    }

    @Override
    public VerifiedPackage open(Path packageFile, Path directory) throws PackageException {
        return reader.open(packageFile, directory);
    }

    @Override
    public VerifiedPackage openDerived(Path packageFile, Path directory) throws PackageException {
        return reader.openDerived(packageFile, directory);
    }

    @Override
    public PackageManifest readManifest(Path file) throws PackageException {
        return PackageReader.readManifest(file);
    }

    @Override
    public VerifiedPackage reopen(Path directory) throws PackageException {
        return reader.reopen(directory);
    }

    @Override
    public PackageManifest write(PackageContents contents, Optional<PrivateKey> signingKey, Path packageFile)
            throws PackageException {
        return writer.write(contents, signingKey, packageFile);
    }
}
