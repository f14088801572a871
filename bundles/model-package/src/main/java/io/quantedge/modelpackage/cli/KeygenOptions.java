package io.quantedge.modelpackage.cli;

import java.nio.file.Path;
import java.util.List;

/** Options of {@code quantedge keygen}. */
record KeygenOptions(Path prefix, boolean help) {

    static final String USAGE = """
            Usage: quantedge keygen --out PREFIX

            Generates an Ed25519 key pair for signing model packages: PREFIX.key, the private key
            (PKCS#8 PEM, readable by you only; keep it off gateways), and PREFIX.pub, the public key
            (X.509 PEM). A gateway trusts packages signed with the key once PREFIX.pub is in its
            runtime-config/trusted-keys/ folder. Existing files are never overwritten.

            Options:
              --out PREFIX   where to write PREFIX.key and PREFIX.pub
              --help         show this help
            """ + ExitCodes.HELP;

    static KeygenOptions parse(List<String> args) throws CommandLineException {
        Path prefix = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--help", "-h" -> {
                    return new KeygenOptions(null, true);
                }
                case "--out" -> prefix = Path.of(PackageOptions.value(args, ++i, "--out"));
                default -> throw new CommandLineException("unknown option '" + args.get(i) + "'");
            }
        }
        if (prefix == null || prefix.getFileName() == null) {
            throw new CommandLineException("--out PREFIX is required");
        }
        return new KeygenOptions(prefix, false);
    }
}
