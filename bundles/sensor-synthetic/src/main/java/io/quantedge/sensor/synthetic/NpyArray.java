package io.quantedge.sensor.synthetic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array (format 1.0 to 3.0, C order) of uint8 or little-endian integers: its
 * shape and values. Only what the synthetic sensor reads; anything else is refused with the reason.
 */
record NpyArray(String dtype, int[] shape, ByteBuffer data) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static NpyArray parse(byte[] bytes, String source) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(source + " is not a .npy file");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength;
        int start;
        if (major == 1) {
            headerLength = in.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLength = in.getInt(8);
            start = 12;
        } else {
            throw new IOException(source + ": .npy format " + major + " is not supported");
        }
        if (headerLength < 0 || start + headerLength > bytes.length) {
            throw new IOException(source + ": truncated header");
        }
        String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
        String dtype = group(DESCR, header, source, "descr");
        if ("True".equals(group(ORDER, header, source, "fortran_order"))) {
            throw new IOException(source + ": Fortran order is not supported");
        }
        String dims = group(SHAPE, header, source, "shape").trim();
        int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        int itemSize = switch (dtype) {
            case "|u1", "<u1", "|i1" -> 1;
            case "<i4" -> 4;
            case "<i8" -> 8;
            default -> throw new IOException(source + ": element type " + dtype + " is not supported (uint8, int32, "
                    + "int64)");
        };
        int offset = start + headerLength;
        if (bytes.length - offset != count * itemSize) {
            throw new IOException(source + ": " + count + " elements of " + dtype + " need " + count * itemSize
                    + " bytes, the file has " + (bytes.length - offset));
        }
        return new NpyArray(dtype, shape, ByteBuffer.wrap(bytes, offset, (int) (count * itemSize)).slice()
                .order(ByteOrder.LITTLE_ENDIAN));
    }

    private static String group(Pattern pattern, String header, String source, String key) throws IOException {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IOException(source + ": header has no " + key);
        }
        return m.group(1);
    }

    /** Element {@code index} of an integer array, widened. */
    long integerAt(int index) {
        return switch (dtype) {
            case "|i1" -> data.get(index);
            case "|u1", "<u1" -> data.get(index) & 0xFF;
            case "<i4" -> data.getInt(index * 4);
            default -> data.getLong(index * 8);
        };
    }
}
