package io.quantedge.modelpackage;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge model package verification",
        description = "Which signatures a gateway trusts on model packages, and how much a package may unpack to.")
public @interface VerificationOptions {

    @AttributeDefinition(name = "Trusted keys folder",
            description = "Folder of trusted Ed25519 public keys (*.pub, X.509 PEM), read for every package; empty "
                    + "for the trusted-keys folder of the configuration folder (${quantedge.config.dir}/trusted-keys).")
    String trustedKeys() default "";

    @AttributeDefinition(name = "Allow unsigned packages",
            description = "Accept packages without a signature. For development only: anyone who can reach the "
                    + "update topics can then install a model.")
    boolean allowUnsigned() default false;

    @AttributeDefinition(name = "Most zip entries", min = "1")
    int maxEntries() default 1000;

    @AttributeDefinition(name = "Largest file, in MiB", min = "1")
    long maxFileMb() default 2048;

    @AttributeDefinition(name = "Largest package, in MiB", description = "The sum of the files' sizes.", min = "1")
    long maxTotalMb() default 4096;

    @AttributeDefinition(name = "Highest compression ratio",
            description = "A file that expands more than this many times its compressed size (beyond its first MiB) "
                    + "is refused as a zip bomb.", min = "1")
    int maxCompressionRatio() default 100;
}
