package io.quantedge.api.modelpackage;

import java.util.Objects;

/**
 * A model package was refused or could not be written. The code is stable text an MQTT job status
 * or a CLI exit can carry; the message says what exactly was wrong and what to do about it.
 */
public class PackageException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** A file could not be read or written. */
        IO,
        /** The file system the package is extracted to has no room for it. */
        NO_SPACE,
        /** Not a complete zip, no manifest, or a manifest that is not valid JSON of the expected shape. */
        MALFORMED,
        /** The manifest has a field this gateway does not know: refused rather than ignored. */
        UNKNOWN_FIELD,
        /** No signature, and unsigned packages are not allowed. */
        UNSIGNED,
        /** Signed by a key that is not among the trusted keys. */
        UNTRUSTED_SIGNATURE,
        /** The signature does not match the manifest: the manifest was changed after signing. */
        BAD_SIGNATURE,
        /** A file's size differs from the manifest's. */
        SIZE_MISMATCH,
        /** A file's SHA-256 differs from the manifest's. */
        HASH_MISMATCH,
        /** A file the manifest lists is not in the package. */
        MISSING_FILE,
        /** The package holds a file the manifest does not list. */
        UNEXPECTED_ENTRY,
        /** Two entries of the package have the same name. */
        DUPLICATE_ENTRY,
        /** An entry or manifest path that could leave the package's folder: {@code ..}, absolute, odd characters. */
        UNSAFE_ENTRY,
        /** Beyond a limit: entry count, a file's or the total size, or the compression ratio. */
        TOO_LARGE
    }

    private final Code code;

    public PackageException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public PackageException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
