package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/** {@link ModelPackages} as a service, configured by {@code io.quantedge.modelpackage}. */
@Component(service = ModelPackages.class, configurationPid = ModelPackagesComponent.PID)
@Designate(ocd = VerificationOptions.class)
public final class ModelPackagesComponent implements ModelPackages {

    static final String PID = "io.quantedge.modelpackage";

    private final Logger log;
    private final BundleContext context;
    private volatile PackageFiles packages;

    @Activate
    public ModelPackagesComponent(@Reference(service = LoggerFactory.class) Logger log, VerificationOptions options,
                                  BundleContext context) {
        this.log = log;
        this.context = context;
        configure(options);
    }

    @Modified
    void configure(VerificationOptions options) {
        Path trusted = trustedKeysDirectory(options.trustedKeys(), context.getProperty("quantedge.config.dir"));
        PackageLimits limits = new PackageLimits(options.maxEntries(), options.maxFileMb() << 20,
                options.maxTotalMb() << 20, options.maxCompressionRatio());
        packages = new PackageFiles(trusted, options.allowUnsigned(), limits, log::warn);
        if (options.allowUnsigned()) {
            log.warn("Unsigned model packages are accepted (allowUnsigned): for development only");
        }
        log.debug("Model packages are trusted when signed by a key in {}", trusted);
    }

    /** The configured folder, else the configuration folder's trusted-keys, else ./runtime-config/trusted-keys. */
    public static Path trustedKeysDirectory(String configured, String configDir) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path config = configDir == null || configDir.isBlank() ? Path.of("runtime-config") : Path.of(configDir);
        return config.resolve("trusted-keys");
    }

    @Override
    public VerifiedPackage open(Path packageFile, Path directory) throws PackageException {
        return packages.open(packageFile, directory);
    }

    @Override
    public VerifiedPackage openDerived(Path packageFile, Path directory) throws PackageException {
        return packages.openDerived(packageFile, directory);
    }

    @Override
    public PackageManifest readManifest(Path file) throws PackageException {
        return packages.readManifest(file);
    }

    @Override
    public VerifiedPackage reopen(Path directory) throws PackageException {
        return packages.reopen(directory);
    }

    @Override
    public PackageManifest write(PackageContents contents, Optional<PrivateKey> signingKey, Path packageFile)
            throws PackageException {
        return packages.write(contents, signingKey, packageFile);
    }
}
