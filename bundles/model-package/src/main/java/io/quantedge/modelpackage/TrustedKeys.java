package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public keys whose signatures a gateway accepts: every {@code *.pub} file (X.509 PEM) in one
 * folder, by key id. Files that are not Ed25519 public keys are skipped and named in
 * {@link #problems}, so one bad file does not make every package untrusted.
 */
record TrustedKeys(Path directory, Map<String, PublicKey> byId, List<String> problems) {

    TrustedKeys {
        byId = Map.copyOf(byId);
        problems = List.copyOf(problems);
    }

    /** Reads the folder now; a missing folder trusts nobody. */
    static TrustedKeys load(Path directory) {
        Map<String, PublicKey> keys = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pub")) {
                for (Path file : files) {
                    try {
                        PublicKey key = PemKeys.readPublicKey(Files.readString(file, StandardCharsets.US_ASCII),
                                file.toString());
                        keys.put(Ed25519.keyId(key), key);
                    } catch (IOException | GeneralSecurityException | RuntimeException e) {
                        problems.add(file + " is not an Ed25519 public key (" + e.getMessage() + "); skipped");
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list trusted keys in " + directory + ": " + e.getMessage());
            }
        }
        return new TrustedKeys(directory, keys, problems);
    }

    /**
     * Checks {@code manifest} against its signature: returns the signer's key id, or empty for an
     * unsigned manifest when {@code allowUnsigned}.
     */
    Optional<String> check(byte[] manifest, Optional<ManifestSignature> signature, boolean allowUnsigned)
            throws PackageException {
        if (signature.isEmpty()) {
            if (allowUnsigned) {
                return Optional.empty();
            }
            throw new PackageException(Code.UNSIGNED, "the package is not signed; sign it with 'quantedge package "
                    + "--key KEY' (unsigned packages are accepted only with allowUnsigned, for development)");
        }
        ManifestSignature signed = signature.get();
        if (!signed.verifies(manifest)) {
            throw new PackageException(Code.BAD_SIGNATURE, "the signature does not match manifest.json: the manifest "
                    + "was changed after it was signed by key " + signed.keyId());
        }
        if (!byId.containsKey(signed.keyId())) {
            throw new PackageException(Code.UNTRUSTED_SIGNATURE, "signed by key " + signed.keyId()
                    + ", which this gateway does not trust: put its .pub file into " + directory);
        }
        return Optional.of(signed.keyId());
    }
}
