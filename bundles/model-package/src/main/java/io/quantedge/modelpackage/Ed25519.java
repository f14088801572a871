package io.quantedge.modelpackage;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Ed25519 keys and signatures through the JDK's own provider: no third-party cryptography. */
final class Ed25519 {

    static final String ALGORITHM = "Ed25519";

    private Ed25519() {
    }

    static KeyPair generate() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    }

    static byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(ALGORITHM);
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
    }

    /** A key's id: the SHA-256 of its X.509 encoding, in hex, as {@code keygen} prints it. */
    static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The public key of {@code key}. A PKCS#8 file holds only the private key, and the JDK has no
     * call that derives the public one; but its key pair generator derives the pair from the 32
     * bytes it draws from the random source, so given the private key's bytes as the "random"
     * source it yields the matching public key. The result is checked by a signature round trip,
     * so a provider that draws differently fails here rather than producing wrong signatures.
     */
    static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new InvalidKeyException("not an Ed25519 private key: " + key.getAlgorithm());
        }
        byte[] secret = edKey.getBytes().get();
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
        generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(secret, 0, bytes, 0, Math.min(secret.length, bytes.length));
            }
        });
        PublicKey derived = generator.generateKeyPair().getPublic();
        Arrays.fill(secret, (byte) 0);
        byte[] probe = "QuantEdge public key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!verify(derived, probe, sign(key, probe))) {
            throw new InvalidKeyException("cannot derive the public key of this Ed25519 private key");
        }
        return derived;
    }
}
