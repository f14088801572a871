package io.quantedge.modelpackage;

import com.google.gson.stream.JsonWriter;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * {@code manifest.sig}: the Ed25519 signature over the exact bytes of {@code manifest.json}, with
 * the public key that made it, both base64:
 * <pre>{"algorithm": "Ed25519", "publicKey": "MCowBQYDK2VwAyEA...", "signature": "..."}</pre>
 * Carrying the key lets a gateway tell a manifest changed after signing (the signature does not
 * verify with its own key) from a package signed by a key it does not trust (it does).
 */
record ManifestSignature(PublicKey publicKey, byte[] signature) {

    /** A signature file is small; anything larger is refused before it is parsed. */
    static final int MAX_BYTES = 4096;

    String keyId() {
        return Ed25519.keyId(publicKey);
    }

    boolean verifies(byte[] manifest) {
        try {
            return Ed25519.verify(publicKey, manifest, signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    byte[] toJson() {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.setIndent("  ");
            json.beginObject()
                    .name("algorithm").value(Ed25519.ALGORITHM)
                    .name("publicKey").value(Base64.getEncoder().encodeToString(publicKey.getEncoded()))
                    .name("signature").value(Base64.getEncoder().encodeToString(signature))
                    .endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static ManifestSignature parse(byte[] bytes) throws PackageException {
        if (bytes.length > MAX_BYTES) {
            throw new PackageException(Code.TOO_LARGE, "manifest.sig has " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        JsonObjectReader json = new JsonObjectReader(StrictJson.parseObject(bytes, "manifest.sig"), "manifest.sig");
        String algorithm = json.string("algorithm");
        String key = json.string("publicKey");
        String signature = json.string("signature");
        json.requireNoOtherFields();
        if (!Ed25519.ALGORITHM.equals(algorithm)) {
            throw new PackageException(Code.BAD_SIGNATURE, "manifest.sig uses " + algorithm + "; only "
                    + Ed25519.ALGORITHM + " is accepted");
        }
        try {
            PublicKey publicKey = KeyFactory.getInstance(Ed25519.ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key)));
            return new ManifestSignature(publicKey, Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PackageException(Code.BAD_SIGNATURE, "manifest.sig holds no valid Ed25519 key and signature: "
                    + e.getMessage());
        }
    }
}
