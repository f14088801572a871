package io.quantedge.modelpackage.cli;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.modelpackage.FileTrees;
import io.quantedge.modelpackage.ModelPackagesComponent;
import io.quantedge.modelpackage.PackageFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code quantedge verify}: a package checked as a gateway checks it, without installing it. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=verify",
    CliCommand.SUMMARY_PROPERTY + "=check a model package's signature, manifest and files"
})
public final class VerifyCommand implements CliCommand {

    /** The gateway's trusted keys: in the configuration folder, as the verification service has them by default. */
    private final Path defaultTrustedKeys;

    @Activate
    public VerifyCommand(BundleContext context) {
        this(ModelPackagesComponent.trustedKeysDirectory("", context.getProperty("quantedge.config.dir")));
    }

    VerifyCommand(Path defaultTrustedKeys) {
        this.defaultTrustedKeys = defaultTrustedKeys;
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        VerifyOptions options;
        try {
            options = VerifyOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge verify: " + e.getMessage());
            err.print(VerifyOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(VerifyOptions.USAGE);
            return ExitCodes.OK;
        }
        Path trusted = options.trustedKeys().orElse(defaultTrustedKeys);
        PackageFiles checking = PackageFiles.trusting(trusted);
        ModelPackages packages = options.allowUnsigned() ? checking.allowingUnsigned() : checking;
        Path work = null;
        try {
            work = Files.createTempDirectory("quantedge-verify-");
            VerifiedPackage verified = packages.open(options.packageFile(), work.resolve("package"));
            PackageManifest manifest = verified.manifest();
            out.println("Package " + options.packageFile() + " is valid: " + manifest.name() + " version "
                    + manifest.version());
            out.println("Signed by: " + verified.signer().map(id -> "trusted key " + id).orElse("nobody (unsigned)"));
            out.println("Model: " + manifest.model());
            for (PackageFile file : manifest.files()) {
                out.printf("  %-40s %,12d bytes  sha256 %s%n", file.path(), file.size(), file.sha256());
            }
            out.println("Requires: " + String.join(", ", manifest.requires()));
            return ExitCodes.OK;
        } catch (PackageException e) {
            err.println("quantedge verify: " + options.packageFile() + " refused: " + e.getMessage());
            if (e.code() == PackageException.Code.UNSIGNED) {
                err.println("Give --allow-unsigned to check it anyway, as a gateway with allowUnsigned would.");
            }
            return ExitCodes.REFUSED;
        } catch (IOException e) {
            err.println("quantedge verify: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            if (work != null) {
                FileTrees.deleteQuietly(work);
            }
        }
    }
}
