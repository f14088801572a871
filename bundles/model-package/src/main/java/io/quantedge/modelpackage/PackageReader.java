package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.VerifiedPackage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Verifies and extracts packages. Everything that can be checked without writing is checked
 * first: the zip's entry count and names, the signature over the manifest, the manifest itself,
 * that it lists exactly the package's files, and the sizes it declares against the limits and the
 * free space. Then each file is streamed out, its bytes counted against its declared size and its
 * compression ratio before they are written, and its SHA-256 compared at the end. Any refusal
 * removes the folder again.
 */
final class PackageReader {

    private final PackageLimits limits;
    private final Supplier<TrustedKeys> trustedKeys;
    private final boolean allowUnsigned;

    PackageReader(PackageLimits limits, Supplier<TrustedKeys> trustedKeys, boolean allowUnsigned) {
        this.limits = limits;
        this.trustedKeys = trustedKeys;
        this.allowUnsigned = allowUnsigned;
    }

    PackageLimits limits() {
        return limits;
    }

    VerifiedPackage open(Path packageFile, Path directory) throws PackageException {
        return open(packageFile, directory, true);
    }

    /** Without a signature check: for packages the gateway made itself ({@code ModelPackages.openDerived}). */
    VerifiedPackage openDerived(Path packageFile, Path directory) throws PackageException {
        return open(packageFile, directory, false);
    }

    private VerifiedPackage open(Path packageFile, Path directory, boolean checkSignature) throws PackageException {
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new PackageException(Code.IO, directory + " exists already; a package is extracted into a new folder");
        }
        boolean created = false;
        try (ZipFile zip = openZip(packageFile)) {
            Map<String, ZipEntry> entries = entries(zip);
            ZipEntry manifestEntry = entries.get(PackageManifest.MANIFEST_ENTRY);
            if (manifestEntry == null) {
                throw new PackageException(Code.MALFORMED, packageFile + " has no manifest.json: not a model package");
            }
            byte[] manifestBytes = readSmall(zip, manifestEntry, ManifestJson.MAX_BYTES);
            ZipEntry signatureEntry = entries.get(PackageManifest.SIGNATURE_ENTRY);
            byte[] signatureBytes = signatureEntry == null ? null
                    : readSmall(zip, signatureEntry, ManifestSignature.MAX_BYTES);
            // The manifest is authenticated before it is parsed: the parser never sees untrusted bytes.
            Optional<String> signer = !checkSignature ? Optional.empty() : trustedKeys.get().check(manifestBytes,
                    signatureBytes == null ? Optional.empty() : Optional.of(ManifestSignature.parse(signatureBytes)),
                    allowUnsigned);
            if (!checkSignature && signatureBytes != null) {
                throw new PackageException(Code.MALFORMED, packageFile + " is signed; a signed package is opened "
                        + "with its signature checked, not as one derived on this gateway");
            }
            PackageManifest manifest = ManifestJson.read(manifestBytes);
            checkListing(manifest, entries);
            limits.checkDeclared(manifest);
            checkSpace(directory.toAbsolutePath().getParent(), manifest.totalSize());

            Files.createDirectory(directory);
            created = true;
            for (PackageFile file : manifest.files()) {
                extract(zip, entries.get(file.path()), file, directory);
            }
            Files.write(directory.resolve(PackageManifest.MANIFEST_ENTRY), manifestBytes, StandardOpenOption.CREATE_NEW);
            if (signatureBytes != null) {
                Files.write(directory.resolve(PackageManifest.SIGNATURE_ENTRY), signatureBytes,
                        StandardOpenOption.CREATE_NEW);
            }
            return new VerifiedPackage(manifest, directory, signer);
        } catch (PackageException | RuntimeException e) {
            if (created) {
                FileTrees.deleteQuietly(directory);
            }
            throw e;
        } catch (IOException e) {
            if (created) {
                FileTrees.deleteQuietly(directory);
            }
            throw writeFailure(directory, e);
        }
    }

    /** A package's or a manifest.json's manifest, parsed; nothing verified. */
    static PackageManifest readManifest(Path file) throws PackageException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        } catch (NoSuchFileException e) {
            throw new PackageException(Code.IO, "there is no file " + file);
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (head.length == 2 && head[0] == 'P' && head[1] == 'K') {
            try (ZipFile zip = openZip(file)) {
                ZipEntry entry = zip.getEntry(PackageManifest.MANIFEST_ENTRY);
                if (entry == null) {
                    throw new PackageException(Code.MALFORMED, file + " has no manifest.json: not a model package");
                }
                return ManifestJson.read(readSmall(zip, entry, ManifestJson.MAX_BYTES));
            } catch (IOException e) {
                throw new PackageException(Code.IO, "cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(ManifestJson.MAX_BYTES + 1);
            return ManifestJson.read(bytes);
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    VerifiedPackage reopen(Path directory) throws PackageException {
        byte[] manifestBytes;
        try {
            if (Files.size(directory.resolve(PackageManifest.MANIFEST_ENTRY)) > ManifestJson.MAX_BYTES) {
                throw new PackageException(Code.TOO_LARGE, directory + "/manifest.json is too large");
            }
            manifestBytes = Files.readAllBytes(directory.resolve(PackageManifest.MANIFEST_ENTRY));
        } catch (NoSuchFileException e) {
            throw new PackageException(Code.MISSING_FILE, directory + " has no manifest.json");
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot read " + directory + "/manifest.json: " + e.getMessage(), e);
        }
        PackageManifest manifest = ManifestJson.read(manifestBytes);
        for (PackageFile file : manifest.files()) {
            checkExtracted(directory, file);
        }
        Optional<String> signer = Optional.empty();
        Path signature = directory.resolve(PackageManifest.SIGNATURE_ENTRY);
        if (Files.exists(signature)) {
            try {
                ManifestSignature signed = ManifestSignature.parse(Files.readAllBytes(signature));
                if (!signed.verifies(manifestBytes)) {
                    throw new PackageException(Code.BAD_SIGNATURE, directory + "/manifest.json no longer matches its "
                            + "signature");
                }
                signer = Optional.of(signed.keyId());
            } catch (IOException e) {
                throw new PackageException(Code.IO, "cannot read " + signature + ": " + e.getMessage(), e);
            }
        }
        return new VerifiedPackage(manifest, directory, signer);
    }

    private static ZipFile openZip(Path packageFile) throws PackageException {
        try {
            return new ZipFile(packageFile.toFile());
        } catch (ZipException e) {
            throw new PackageException(Code.MALFORMED, packageFile + " is not a complete zip file (" + e.getMessage()
                    + "); was the transfer cut short?", e);
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot read " + packageFile + ": " + e.getMessage(), e);
        }
    }

    /** The zip's entries by name, after checking their count, their names, and that no name repeats. */
    private Map<String, ZipEntry> entries(ZipFile zip) throws PackageException {
        limits.checkEntryCount(zip.size());
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry entry = all.nextElement();
            String name = entry.getName();
            String path = entry.isDirectory() ? name.substring(0, name.length() - 1) : name;
            if (!PackageFile.isSafePath(path)) {
                throw new PackageException(Code.UNSAFE_ENTRY, "the package has an entry '" + name + "', which could "
                        + "leave the package's folder: entries are relative paths of letters, digits, '.', '_' and '-'");
            }
            if (entries.put(name, entry) != null) {
                throw new PackageException(Code.DUPLICATE_ENTRY, "the package has two entries named '" + name + "'");
            }
        }
        return entries;
    }

    /** Every file the manifest lists is in the zip, and the zip holds nothing else but folders. */
    private static void checkListing(PackageManifest manifest, Map<String, ZipEntry> entries) throws PackageException {
        for (PackageFile file : manifest.files()) {
            ZipEntry entry = entries.get(file.path());
            if (entry == null || entry.isDirectory()) {
                throw new PackageException(Code.MISSING_FILE, "the manifest lists " + file.path()
                        + ", which is not in the package");
            }
        }
        for (ZipEntry entry : entries.values()) {
            String name = entry.getName();
            if (!entry.isDirectory() && manifest.file(name).isEmpty() && !name.equals(PackageManifest.MANIFEST_ENTRY)
                    && !name.equals(PackageManifest.SIGNATURE_ENTRY)) {
                throw new PackageException(Code.UNEXPECTED_ENTRY, "the package holds " + name
                        + ", which the manifest does not list");
            }
        }
    }

    private static void checkSpace(Path parent, long needed) throws PackageException {
        try {
            long free = Files.getFileStore(parent).getUsableSpace();
            if (free < needed) {
                throw new PackageException(Code.NO_SPACE, "the package needs " + needed + " bytes, but only " + free
                        + " are free in " + parent);
            }
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot tell the free space in " + parent + ": " + e.getMessage(), e);
        }
    }

    private void extract(ZipFile zip, ZipEntry entry, PackageFile file, Path directory)
            throws PackageException, IOException {
        Path target = directory.resolve(file.path());
        Files.createDirectories(target.getParent());
        MessageDigest digest = Sha256.digest();
        long written = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = zip.getInputStream(entry);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            for (int n; (n = read(in, buffer, file.path())) > 0; ) {
                written += n;
                if (written > file.size()) {
                    throw new PackageException(Code.SIZE_MISMATCH, file.path() + " is larger than the " + file.size()
                            + " bytes the manifest says");
                }
                limits.checkRatio(file.path(), written, entry.getCompressedSize());
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        if (written != file.size()) {
            throw new PackageException(Code.SIZE_MISMATCH, file.path() + " has " + written + " bytes, the manifest says "
                    + file.size());
        }
        String sha256 = Sha256.hex(digest);
        if (!sha256.equals(file.sha256())) {
            throw new PackageException(Code.HASH_MISMATCH, file.path() + " has SHA-256 " + sha256
                    + ", the manifest says " + file.sha256() + ": the file was changed or damaged");
        }
    }

    /** Reads from the zip: a failure here is the package's fault, not the disk's. */
    private static int read(InputStream in, byte[] buffer, String path) throws PackageException {
        try {
            return in.read(buffer);
        } catch (EOFException | ZipException e) {
            throw new PackageException(Code.MALFORMED, path + " is cut short or corrupt in the package: " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new PackageException(Code.MALFORMED, "cannot read " + path + " from the package: " + e.getMessage(), e);
        }
    }

    private static byte[] readSmall(ZipFile zip, ZipEntry entry, int max) throws PackageException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new PackageException(Code.TOO_LARGE, entry.getName() + " has more than the " + max
                        + " bytes allowed");
            }
            return bytes;
        } catch (IOException e) {
            throw new PackageException(Code.MALFORMED, entry.getName() + " is cut short or corrupt in the package: "
                    + e.getMessage(), e);
        }
    }

    private static void checkExtracted(Path directory, PackageFile file) throws PackageException {
        Path path = directory.resolve(file.path());
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new PackageException(Code.MISSING_FILE, path + " is missing");
        }
        try {
            long size = Files.size(path);
            if (size != file.size()) {
                throw new PackageException(Code.SIZE_MISMATCH, path + " has " + size + " bytes, the manifest says "
                        + file.size());
            }
            String sha256 = Sha256.of(path);
            if (!sha256.equals(file.sha256())) {
                throw new PackageException(Code.HASH_MISMATCH, path + " has SHA-256 " + sha256 + ", the manifest says "
                        + file.sha256() + ": the file was changed or damaged on disk");
            }
        } catch (IOException e) {
            throw new PackageException(Code.IO, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static PackageException writeFailure(Path where, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new PackageException(Code.NO_SPACE, "the file system of " + where + " is full: " + message, e);
        }
        return new PackageException(Code.IO, "cannot write " + where + ": " + message, e);
    }
}
