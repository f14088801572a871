package io.quantedge.api.modelpackage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of a package: its path inside the package, its SHA-256 (64 lowercase hex digits) and
 * its size in bytes.
 */
public record PackageFile(String path, String sha256, long size) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Longest path accepted, in characters. */
    public static final int MAX_PATH_LENGTH = 255;

    public PackageFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        if (!isSafePath(path)) {
            throw new IllegalArgumentException("unsafe path '" + path + "'");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 of '" + path + "' is not 64 lowercase hex digits");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size of '" + path + "'");
        }
    }

    /**
     * Whether {@code path} can name a file of a package: a relative path whose segments, separated
     * by '/', are letters, digits, '.', '_' and '-' and do not start with '.' or '-'. That rules
     * out {@code ..}, absolute paths, backslashes, drive letters and hidden files, so a package
     * can never write outside the folder it is extracted to.
     */
    public static boolean isSafePath(String path) {
        if (path == null || path.isEmpty() || path.length() > MAX_PATH_LENGTH) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return false;
            }
        }
        return true;
    }
}
