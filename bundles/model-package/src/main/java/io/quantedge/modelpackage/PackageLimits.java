package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;

/**
 * How much a package may ask a gateway to write, so a hostile or broken package cannot fill its
 * disk: how many zip entries, how many bytes per file and in all, and how much a file may have
 * been compressed. The ratio applies only beyond {@link #RATIO_FLOOR} bytes of a file, where a
 * zip bomb starts to matter; below that any ratio is harmless.
 */
record PackageLimits(int maxEntries, long maxFileBytes, long maxTotalBytes, int maxCompressionRatio) {

    static final long RATIO_FLOOR = 1 << 20;
    static final PackageLimits DEFAULT = new PackageLimits(1000, 2L << 30, 4L << 30, 100);

    PackageLimits {
        if (maxEntries < 1 || maxFileBytes < 1 || maxTotalBytes < 1 || maxCompressionRatio < 1) {
            throw new IllegalArgumentException("package limits must be positive");
        }
    }

    void checkEntryCount(int entries) throws PackageException {
        if (entries > maxEntries) {
            throw new PackageException(Code.TOO_LARGE, "the package has " + entries + " entries, more than the "
                    + maxEntries + " allowed (maxEntries)");
        }
    }

    /** Checks the sizes the manifest declares, before anything is extracted. */
    void checkDeclared(PackageManifest manifest) throws PackageException {
        for (PackageFile file : manifest.files()) {
            if (file.size() > maxFileBytes) {
                throw new PackageException(Code.TOO_LARGE, file.path() + " has " + file.size() + " bytes, more than the "
                        + maxFileBytes + " allowed per file (maxFileMb)");
            }
        }
        long total = 0;
        for (PackageFile file : manifest.files()) {
            total += file.size();
            if (total > maxTotalBytes) {
                throw new PackageException(Code.TOO_LARGE, "the package's files have more than the " + maxTotalBytes
                        + " bytes allowed in all (maxTotalMb)");
            }
        }
    }

    /** Checks a file while it is extracted: {@code written} bytes so far from {@code compressed} in the zip. */
    void checkRatio(String path, long written, long compressed) throws PackageException {
        if (written > RATIO_FLOOR && written > (double) maxCompressionRatio * Math.max(1, compressed)) {
            throw new PackageException(Code.TOO_LARGE, path + " expands more than " + maxCompressionRatio
                    + " times its compressed size (" + compressed + " bytes): refused as a zip bomb "
                    + "(maxCompressionRatio)");
        }
    }
}
