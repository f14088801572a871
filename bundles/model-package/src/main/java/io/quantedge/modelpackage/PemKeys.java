package io.quantedge.modelpackage;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys as PEM text, the form {@code openssl} reads and writes too: a private key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}), a public key as X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}).
 */
final class PemKeys {

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private PemKeys() {
    }

    static String privateKeyPem(PrivateKey key) {
        return pem(PRIVATE_LABEL, key.getEncoded());
    }

    static String publicKeyPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /** The Ed25519 private key in {@code text}; {@code source} names the file in errors. */
    static PrivateKey readPrivateKey(String text, String source) throws GeneralSecurityException {
        if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new InvalidKeySpecException(source + " is an encrypted private key; QuantEdge needs an unencrypted "
                    + "PKCS#8 key (made by 'quantedge keygen', or 'openssl genpkey -algorithm ed25519')");
        }
        return KeyFactory.getInstance(Ed25519.ALGORITHM).generatePrivate(
                new PKCS8EncodedKeySpec(der(text, PRIVATE_LABEL, source)));
    }

    /** The Ed25519 public key in {@code text}; {@code source} names the file in errors. */
    static PublicKey readPublicKey(String text, String source) throws GeneralSecurityException {
        return KeyFactory.getInstance(Ed25519.ALGORITHM).generatePublic(
                new X509EncodedKeySpec(der(text, PUBLIC_LABEL, source)));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String text, String label, String source) throws InvalidKeySpecException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new InvalidKeySpecException(source + " holds no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeySpecException(source + ": the " + label + " block is not base64", e);
        }
    }
}
