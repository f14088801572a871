package io.quantedge.mqtt.update;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A begin message: which package is coming and how (chunks of {@code chunkBytes}, or a URL).
 * Parsed strictly: every field is checked here, before anything is written.
 */
record UpdateRequest(String model, String version, long sizeBytes, String sha256, int chunkBytes, int chunks,
                     Optional<String> url) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Checks the fields against each other and against the gateway's limits. */
    static UpdateRequest checked(String model, String version, long sizeBytes, String sha256, int chunkBytes,
                                 int chunks, Optional<String> url, UpdateOptions limits) throws UpdateException {
        if (model == null || !NAME.matcher(model).matches()) {
            throw new UpdateException("BAD_REQUEST", "model '" + model + "' is not 1 to 64 letters, digits, . _ -");
        }
        if (version == null || !NAME.matcher(version).matches()) {
            throw new UpdateException("BAD_REQUEST", "version '" + version + "' is not 1 to 64 letters, digits, . _ -");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new UpdateException("BAD_REQUEST", "sha256 must be 64 lower-case hex digits");
        }
        if (sizeBytes <= 0) {
            throw new UpdateException("BAD_REQUEST", "sizeBytes must be positive, got " + sizeBytes);
        }
        if (sizeBytes > limits.maxPackageBytes()) {
            throw new UpdateException("TOO_LARGE", "the package has " + sizeBytes + " bytes; this gateway accepts up to "
                    + limits.maxPackageBytes());
        }
        if (url.isPresent()) {
            if (!limits.allowUrlDownloads()) {
                throw new UpdateException("BAD_REQUEST", "this gateway does not download packages from URLs");
            }
            String u = url.get();
            if (!u.startsWith("http://") && !u.startsWith("https://")) {
                throw new UpdateException("BAD_REQUEST", "url must be http:// or https://, got " + u);
            }
            return new UpdateRequest(model, version, sizeBytes, sha256, 0, 0, url);
        }
        if (chunkBytes <= 0 || chunkBytes > limits.maxChunkBytes()) {
            throw new UpdateException("BAD_REQUEST", "chunkBytes must be 1 to " + limits.maxChunkBytes() + ", got "
                    + chunkBytes);
        }
        long expected = (sizeBytes + chunkBytes - 1) / chunkBytes;
        if (chunks != expected) {
            throw new UpdateException("BAD_REQUEST", sizeBytes + " bytes in chunks of " + chunkBytes + " are "
                    + expected + " chunks, not " + chunks);
        }
        return new UpdateRequest(model, version, sizeBytes, sha256, chunkBytes, chunks, Optional.empty());
    }

    /** The size chunk {@code index} must have: chunkBytes, except the last one. */
    long chunkSize(int index) {
        return index == chunks - 1 ? sizeBytes - (long) chunkBytes * (chunks - 1) : chunkBytes;
    }

    static boolean isValidJobId(String job) {
        return job != null && NAME.matcher(job).matches();
    }
}
