package io.quantedge.modelpackage.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Options of {@code quantedge verify}. */
record VerifyOptions(Path packageFile, Optional<Path> trustedKeys, boolean allowUnsigned, boolean help) {

    static final String USAGE = """
            Usage: quantedge verify --package FILE.qmp [--trusted-keys DIR] [--allow-unsigned]

            Checks a model package as a gateway does before installing it: the zip's entries and
            limits, the signature against the trusted keys, the manifest, and every file's size and
            SHA-256. Prints the manifest's summary and the signing key. Nothing is installed.

            Options:
              --package FILE       the package (.qmp)
              --trusted-keys DIR   folder of trusted public keys (*.pub)
                                   (default: the distribution's runtime-config/trusted-keys)
              --allow-unsigned     accept a package without a signature
              --help               show this help
            """ + ExitCodes.HELP;

    static VerifyOptions parse(List<String> args) throws CommandLineException {
        Path packageFile = null;
        Path trustedKeys = null;
        boolean allowUnsigned = false;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            switch (option) {
                case "--help", "-h" -> {
                    return new VerifyOptions(null, Optional.empty(), false, true);
                }
                case "--package" -> packageFile = Path.of(PackageOptions.value(args, ++i, option));
                case "--trusted-keys" -> trustedKeys = Path.of(PackageOptions.value(args, ++i, option));
                case "--allow-unsigned" -> allowUnsigned = true;
                default -> throw new CommandLineException("unknown option '" + option + "'");
            }
        }
        if (packageFile == null) {
            throw new CommandLineException("--package FILE is required");
        }
        return new VerifyOptions(packageFile, Optional.ofNullable(trustedKeys), allowUnsigned, false);
    }
}
