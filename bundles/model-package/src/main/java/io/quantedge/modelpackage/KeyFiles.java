package io.quantedge.modelpackage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.EnumSet;
import java.util.Set;

/**
 * Signing keys on disk: {@code PREFIX.key}, the private key (PKCS#8 PEM, readable by its owner
 * only), and {@code PREFIX.pub}, the public key (X.509 PEM) that gateways trust by having it in
 * their trusted-keys folder.
 */
public final class KeyFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> PUBLIC =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    private KeyFiles() {
    }

    public static Path privateKeyFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".key");
    }

    public static Path publicKeyFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".pub");
    }

    /**
     * Generates a key pair into {@code PREFIX.key} and {@code PREFIX.pub}; returns the key id.
     * Neither file may exist: a signing key is never overwritten. The private key file is created
     * owner-only, so it is never readable by others, not even for a moment.
     */
    public static String generate(Path prefix) throws IOException, GeneralSecurityException {
        Path privateFile = privateKeyFile(prefix);
        Path publicFile = publicKeyFile(prefix);
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null, "a key file is never overwritten");
            }
        }
        KeyPair pair = Ed25519.generate();
        create(privateFile, PemKeys.privateKeyPem(pair.getPrivate()), OWNER_ONLY);
        try {
            create(publicFile, PemKeys.publicKeyPem(pair.getPublic()), PUBLIC);
        } catch (IOException e) {
            Files.deleteIfExists(privateFile);
            throw e;
        }
        return Ed25519.keyId(pair.getPublic());
    }

    /** The Ed25519 private key in a PEM file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        return PemKeys.readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /** The id of the key pair {@code key} belongs to: the id of its public key. */
    public static String keyId(PrivateKey key) throws GeneralSecurityException {
        return Ed25519.keyId(Ed25519.publicKeyOf(key));
    }

    private static void create(Path file, String text, Set<PosixFilePermission> permissions) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(permissions))) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }
        // The umask may have taken permissions away; set exactly these.
        Files.setPosixFilePermissions(file, permissions);
    }
}
