package io.quantedge.sensor.mjpeg;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a {@code multipart/x-mixed-replace} body, one at a time. A part with a
 * Content-Length is read by count; one without is read up to the next boundary line. Memory is
 * bounded: a part above the limit is read past, not kept, and returned marked too large. The
 * scratch buffer is reused; each returned part is a copy of exactly its bytes.
 */
final class MultipartStream {

    /** One part: its bytes (empty when too large), or how large it was when it exceeded the limit. */
    record Part(byte[] data, long size, boolean tooLarge) {
    }

    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADER_LINES = 64;

    private final InputStream in;
    private final String delimiter;
    /** A boundary line inside a part without a length: "\n--" and the boundary. */
    private final byte[] bodyDelimiter;
    private final int maxPartBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] scratch = new byte[64 * 1024];
    /** True right after a boundary line was consumed while reading a body: headers come next. */
    private boolean atHeaders;
    private boolean ended;

    MultipartStream(InputStream in, String boundary, int maxPartBytes) {
        this.in = in;
        // Many cameras announce "boundary=--frame" and then write "--frame": the dashes belong to the line.
        String core = boundary.startsWith("--") ? boundary.substring(2) : boundary;
        this.delimiter = "--" + core;
        this.bodyDelimiter = ("\n" + delimiter).getBytes(StandardCharsets.ISO_8859_1);
        this.maxPartBytes = maxPartBytes;
    }

    /**
     * The boundary of a {@code multipart/x-mixed-replace} (or any multipart) Content-Type header,
     * or empty when the header is not multipart or names no boundary.
     */
    static Optional<String> boundaryOf(String contentType) {
        if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return Optional.empty();
        }
        for (String parameter : contentType.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("boundary")) {
                String value = parameter.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The next part, or null once the closing boundary came; EOFException if the stream ends inside a part. */
    Part next() throws IOException {
        if (ended) {
            return null;
        }
        if (!atHeaders) {
            String line;
            long skipped = 0;
            do {
                line = readLine();
                if (line == null) {
                    return null; // the server closed between parts: a clean end
                }
                skipped += line.length() + 1;
                if (skipped > maxPartBytes + MAX_LINE) {
                    throw new IOException("no boundary line '" + delimiter + "' in " + skipped + " bytes");
                }
            } while (!isDelimiter(line));
            if (line.trim().endsWith(delimiter + "--")) {
                ended = true;
                return null;
            }
        }
        atHeaders = false;
        long contentLength = -1;
        for (int count = 0; ; count++) {
            String header = readLine();
            if (header == null) {
                throw new EOFException("the stream ended inside a part's headers");
            }
            if (header.isEmpty()) {
                break;
            }
            if (count == MAX_HEADER_LINES) {
                throw new IOException("more than " + MAX_HEADER_LINES + " header lines in one part");
            }
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                try {
                    contentLength = Long.parseLong(header.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("a part's Content-Length is not a number: " + header);
                }
                if (contentLength < 0) {
                    throw new IOException("a part's Content-Length is negative: " + header);
                }
            }
        }
        return contentLength >= 0 ? readCounted(contentLength) : readToDelimiter();
    }

    private boolean isDelimiter(String line) {
        return line.startsWith(delimiter) || line.startsWith("--" + delimiter);
    }

    private Part readCounted(long length) throws IOException {
        if (length > maxPartBytes) {
            skip(length);
            return new Part(new byte[0], length, true);
        }
        byte[] data = new byte[(int) length];
        int done = 0;
        while (done < length) {
            if (position == limit && !fill()) {
                throw new EOFException("the stream ended after " + done + " of a part's " + length + " bytes");
            }
            int n = Math.min(limit - position, (int) length - done);
            System.arraycopy(buffer, position, data, done, n);
            position += n;
            done += n;
        }
        return new Part(data, length, false);
    }

    private void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("the stream ended inside an oversized part");
            }
            int n = (int) Math.min(limit - position, left);
            position += n;
            left -= n;
        }
    }

    /** Reads up to "\n--boundary", then the rest of that line; keeps at most the limit. */
    private Part readToDelimiter() throws IOException {
        byte[] pattern = bodyDelimiter;
        int matched = 0;
        long size = 0;
        byte last = 0;
        byte beforeMatch = 0;
        int kept = 0;
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("the stream ended inside a part of " + size + " bytes without a length");
            }
            byte previous = size == 0 ? 0 : last;
            byte b = buffer[position++];
            last = b;
            size++;
            if (kept < maxPartBytes + pattern.length) {
                if (kept == scratch.length) {
                    scratch = Arrays.copyOf(scratch, Math.min(scratch.length * 2, maxPartBytes + pattern.length));
                }
                scratch[kept++] = b;
            }
            // The pattern starts with '\n', found nowhere else in it: on a mismatch only this byte can restart it.
            if (b == pattern[matched]) {
                if (matched == 0) {
                    beforeMatch = previous;
                }
                matched++;
                if (matched == pattern.length) {
                    break;
                }
            } else if (b == pattern[0]) {
                beforeMatch = previous;
                matched = 1;
            } else {
                matched = 0;
            }
        }
        String rest = readLine();
        if (rest == null || rest.startsWith("--")) {
            ended = true;
        } else {
            atHeaders = true;
        }
        long partSize = size - pattern.length;
        if (partSize > 0 && beforeMatch == '\r') {
            partSize--;
        }
        if (partSize > maxPartBytes) {
            return new Part(new byte[0], partSize, true);
        }
        return new Part(Arrays.copyOf(scratch, (int) Math.max(0, partSize)), partSize, false);
    }

    /** A line without its CR LF, or null at the end of the stream with nothing read. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (position == limit && !fill()) {
                return line.length() == 0 ? null : line.toString();
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw new IOException("a line of more than " + MAX_LINE + " bytes where a boundary or header was due");
            }
            line.append((char) (b & 0xff));
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
