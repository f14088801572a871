package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes packages: hashes each file into the manifest, signs the manifest's bytes, and writes the
 * zip to a temporary file beside the target that is renamed over it at the end, so the target is
 * complete or absent. Entries carry a fixed time and Ed25519 signatures are deterministic, so the
 * same contents and key always give the same bytes.
 */
final class PackageWriter {

    /** Entry time of every file: a package's bytes depend on its contents only. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);

    PackageManifest write(PackageContents contents, Optional<PrivateKey> signingKey, Path packageFile)
            throws PackageException {
        List<PackageFile> described = new ArrayList<>();
        for (Map.Entry<String, Path> file : contents.files().entrySet()) {
            if (!PackageFile.isSafePath(file.getKey())) {
                throw new PackageException(Code.UNSAFE_ENTRY, "'" + file.getKey() + "' cannot name a file in a package: "
                        + "use a relative path of letters, digits, '.', '_' and '-'");
            }
            try {
                described.add(new PackageFile(file.getKey(), Sha256.of(file.getValue()), Files.size(file.getValue())));
            } catch (IOException e) {
                throw new PackageException(Code.IO, "cannot read " + file.getValue() + ": " + e.getMessage(), e);
            }
        }
        PackageManifest manifest;
        try {
            manifest = contents.manifest(described);
        } catch (IllegalArgumentException e) {
            throw new PackageException(Code.MALFORMED, "cannot write this manifest: " + e.getMessage(), e);
        }
        byte[] manifestBytes = ManifestJson.write(manifest);
        Optional<byte[]> signature = signingKey.isPresent()
                ? Optional.of(sign(signingKey.get(), manifestBytes)) : Optional.empty();

        Path target = packageFile.toAbsolutePath();
        Path temporary = null;
        try {
            temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                 ZipOutputStream zip = new ZipOutputStream(Channels.newOutputStream(channel))) {
                put(zip, PackageManifest.MANIFEST_ENTRY, manifestBytes);
                if (signature.isPresent()) {
                    put(zip, PackageManifest.SIGNATURE_ENTRY, signature.get());
                }
                for (PackageFile file : manifest.files()) {
                    copy(zip, file, contents.files().get(file.path()));
                }
                zip.finish();
                channel.force(true);
            }
            shareable(temporary);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return manifest;
        } catch (IOException e) {
            throw PackageReader.writeFailure(target, e);
        } finally {
            if (temporary != null) {
                FileTrees.deleteQuietly(temporary);
            }
        }
    }

    /** Temporary files are created owner-only; a package is meant to be copied and published. */
    private static void shareable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    private static byte[] sign(PrivateKey key, byte[] manifestBytes) throws PackageException {
        try {
            return new ManifestSignature(Ed25519.publicKeyOf(key), Ed25519.sign(key, manifestBytes)).toJson();
        } catch (GeneralSecurityException e) {
            throw new PackageException(Code.BAD_SIGNATURE, "cannot sign with this key: " + e.getMessage(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(entry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Copies a file into the zip, hashing it again: a file changed since it was hashed is refused. */
    private static void copy(ZipOutputStream zip, PackageFile file, Path source) throws IOException, PackageException {
        zip.putNextEntry(entry(file.path()));
        MessageDigest digest = Sha256.digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(source)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                zip.write(buffer, 0, n);
            }
        }
        zip.closeEntry();
        if (!Sha256.hex(digest).equals(file.sha256())) {
            throw new PackageException(Code.HASH_MISMATCH, source + " changed while it was being packaged; try again");
        }
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        return entry;
    }
}
