package io.quantedge.engine.npy;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy's .npy format (versions 1 to 3): a magic string, a version, a header
 * length, a Python-literal header {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * and the raw little-endian data in C order. Element types: float32, int8, uint8, int32, int64,
 * bool. Sizes are checked against the file before anything is allocated.
 */
public final class NpyFile {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<String, DataType> TYPES = Map.of(
            "f4", DataType.FP32, "i1", DataType.INT8, "u1", DataType.UINT8, "i4", DataType.INT32,
            "i8", DataType.INT64, "b1", DataType.BOOL);
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z]\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    public static Tensor read(Path file) throws IOException, NpyFormatException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(prefix, 0);
            prefix.flip();
            if (prefix.remaining() < 10 || !startsWithMagic(prefix)) {
                throw new NpyFormatException(file + " is not a .npy file (no NUMPY magic)");
            }
            int major = prefix.get(6) & 0xFF;
            long headerLength;
            int headerStart;
            if (major == 1) {
                headerLength = prefix.getShort(8) & 0xFFFF;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                if (prefix.remaining() < 12) {
                    throw new NpyFormatException(file + ": truncated header");
                }
                headerLength = prefix.getInt(8) & 0xFFFFFFFFL;
                headerStart = 12;
            } else {
                throw new NpyFormatException(file + ": unknown .npy version " + major);
            }
            if (headerStart + headerLength > size || headerLength > 1 << 20) {
                throw new NpyFormatException(file + ": header of " + headerLength + " bytes does not fit the file");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, headerStart);
            String header = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            DataType type = type(file, header);
            Shape shape = shape(file, header);
            long dataStart = headerStart + headerLength;
            long expected = type.byteSize(shape.elementCount());
            if (size - dataStart != expected) {
                throw new NpyFormatException(file + ": a " + type + shape + " array needs " + expected
                        + " bytes of data, the file has " + (size - dataStart));
            }
            if (expected > Integer.MAX_VALUE - 8) {
                throw new NpyFormatException(file + ": arrays over 2 GB are not supported");
            }
            ByteBuffer data = ByteBuffer.allocate((int) expected);
            while (data.hasRemaining()) {
                if (channel.read(data, dataStart + data.position()) < 0) {
                    throw new NpyFormatException(file + ": truncated data");
                }
            }
            data.flip();
            return Tensor.of(type, shape, data);
        }
    }

    private static boolean startsWithMagic(ByteBuffer prefix) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static DataType type(Path file, String header) throws NpyFormatException {
        Matcher descr = DESCR.matcher(header);
        if (!descr.find()) {
            throw new NpyFormatException(file + ": header has no 'descr': " + header.strip());
        }
        DataType type = TYPES.get(descr.group(2));
        if (type == null) {
            throw new NpyFormatException(file + ": element type '" + descr.group(2) + "' is not supported (float32, "
                    + "int8, uint8, int32, int64 and bool are; convert with array.astype(...))");
        }
        if (descr.group(1).equals(">") && type.bits() > 8) {
            throw new NpyFormatException(file + ": big-endian data; save it little-endian (array.astype('<"
                    + descr.group(2) + "'))");
        }
        Matcher fortran = FORTRAN.matcher(header);
        if (fortran.find() && fortran.group(1).equals("True")) {
            throw new NpyFormatException(file + ": Fortran-ordered data; save np.ascontiguousarray(array) instead");
        }
        return type;
    }

    private static Shape shape(Path file, String header) throws NpyFormatException {
        Matcher shape = SHAPE.matcher(header);
        if (!shape.find()) {
            throw new NpyFormatException(file + ": header has no 'shape': " + header.strip());
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String dim = part.strip();
            if (dim.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(dim));
            } catch (NumberFormatException e) {
                throw new NpyFormatException(file + ": bad dimension '" + dim + "' in shape (" + shape.group(1) + ")");
            }
        }
        try {
            return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new NpyFormatException(file + ": impossible shape (" + shape.group(1) + ")");
        }
    }

    /** Writes {@code tensor} as a version 1.0 .npy file, atomically (temp file, then rename). */
    public static void write(Path file, Tensor tensor) throws IOException {
        String code = switch (tensor.type()) {
            case FP32 -> "<f4";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
            default -> throw new IllegalArgumentException(tensor.type() + " has no .npy element type here");
        };
        int[] d = tensor.shape().dims();
        String dims = d.length == 1 ? d[0] + "," // Python's one-element tuple
                : java.util.Arrays.stream(d).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '" + code + "', 'fortran_order': False, 'shape': ("
                + dims + "), }");
        int total = MAGIC.length + 4 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 4 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.toString().getBytes(StandardCharsets.ISO_8859_1)).flip();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer data = tensor.data();
            while (prefix.hasRemaining()) {
                out.write(prefix);
            }
            while (data.hasRemaining()) {
                out.write(data);
            }
            out.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
