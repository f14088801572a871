package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a {@code TensorProto} into a {@link Tensor}. The data may be in {@code raw_data}
 * (little-endian; a large one becomes a zero-copy slice of the mapped file), in a typed field
 * ({@code float_data}, {@code int32_data}, {@code int64_data}), or in an external file. The size
 * the dimensions and type declare must match the data exactly, and is checked, with overflow
 * checks, before anything is allocated: a first pass only counts the elements of the typed fields,
 * a second decodes the chosen one straight into the tensor's buffer.
 */
final class TensorDecoder {

    /** Smaller raw data is copied, so a few bytes do not keep a view into the mapping. */
    static final int COPY_BELOW = 1024;
    /** Far beyond any real tensor; bounds the work done on a hostile dims list. */
    static final int MAX_RANK = 64;

    private static final int DATA_LOCATION_EXTERNAL = 1;

    // The fields that can hold a tensor's elements, by field number in TensorProto.
    private static final int FLOAT_DATA = 4;
    private static final int INT32_DATA = 5;
    private static final int STRING_DATA = 6;
    private static final int INT64_DATA = 7;
    private static final int RAW_DATA = 9;
    private static final int DOUBLE_DATA = 10;
    private static final int UINT64_DATA = 11;

    /** A tensor and the name it had in the file ("" when it had none). */
    record NamedTensor(String name, Tensor tensor, int offset) {
    }

    private final ExternalDataResolver externalData;

    TensorDecoder(ExternalDataResolver externalData) {
        this.externalData = externalData;
    }

    NamedTensor decode(ProtobufReader reader) throws ModelLoadException {
        int offset = reader.start();
        LongArrayBuilder dims = new LongArrayBuilder();
        long dataType = 0;
        long dataLocation = 0;
        boolean segmented = false;
        String name = "";
        ByteBuffer raw = null;
        Map<String, String> external = new LinkedHashMap<>();
        long[] counts = new long[UINT64_DATA + 1];
        boolean[] present = new boolean[UINT64_DATA + 1];

        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            switch (field) {
                case 1 -> RepeatedScalars.readInto(reader, tag, RepeatedScalars.Encoding.VARINT, "TensorProto.dims", dims);
                case 2 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "TensorProto.data_type");
                    dataType = (int) reader.readVarint();
                }
                case 3 -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto.segment");
                    reader.skipField(tag);
                    segmented = true;
                }
                case FLOAT_DATA, INT32_DATA, INT64_DATA, DOUBLE_DATA, UINT64_DATA -> {
                    counts[field] += RepeatedScalars.count(reader, tag, encodingOf(field), fieldName(field));
                    present[field] = true;
                }
                case STRING_DATA -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto.string_data");
                    reader.skipField(tag);
                    counts[field]++;
                    present[field] = true;
                }
                case 8 -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto.name");
                    name = reader.readString();
                }
                case RAW_DATA -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto.raw_data");
                    raw = reader.readBytes();
                    present[field] = true;
                }
                case 13 -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto.external_data");
                    StringEntries.put(reader.readMessage("external_data"), external);
                }
                case 14 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "TensorProto.data_location");
                    dataLocation = reader.readVarint();
                }
                case 12, 16 -> {
                    reader.expect(tag, ProtobufReader.LEN, "TensorProto field " + field);
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }

        String what = name.isEmpty() ? "unnamed tensor at byte " + offset : "tensor '" + name + "'";
        if (segmented) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " is stored in segments, which QuantEdge does not read");
        }
        if (present[STRING_DATA] && dataType != OnnxDataType.STRING.code()) {
            throw new ModelLoadException(Code.MALFORMED, what + " of type " + OnnxDataType.nameOf(dataType)
                    + " holds string_data");
        }
        DataType type = OnnxDataType.apiType(dataType, what);
        int[] shapeDims = dimensions(dims, what);
        Shape shape = Shape.of(shapeDims);
        long elements = shape.elementCount();
        long bytes = byteSize(type, elements, shapeDims, what);

        List<Integer> sources = new ArrayList<>();
        for (int field = 0; field < present.length; field++) {
            if (present[field]) {
                sources.add(field);
            }
        }
        ByteBuffer data;
        if (dataLocation == DATA_LOCATION_EXTERNAL) {
            if (!sources.isEmpty()) {
                throw new ModelLoadException(Code.MALFORMED, what + " is stored externally but also holds "
                        + fieldName(sources.get(0)));
            }
            data = externalData.resolve(what, external, bytes);
        } else if (dataLocation != 0) {
            throw new ModelLoadException(Code.MALFORMED, what + " has unknown data_location " + dataLocation);
        } else if (sources.size() > 1) {
            throw new ModelLoadException(Code.MALFORMED, what + " holds both " + fieldName(sources.get(0))
                    + " and " + fieldName(sources.get(1)) + "; a tensor's data must be in one field");
        } else if (sources.isEmpty()) {
            if (elements != 0) {
                throw new ModelLoadException(elements > reader.sourceSize() ? Code.TOO_LARGE : Code.MALFORMED,
                        what + " declares " + describe(type, shapeDims, bytes) + " but holds no data");
            }
            data = ByteBuffer.allocate(0);
        } else if (present[RAW_DATA]) {
            data = rawData(raw, bytes, reader.sourceSize(), type, shapeDims, what);
        } else {
            data = typedData(reader, sources.get(0), counts[sources.get(0)], type, elements, bytes, shapeDims, what);
        }
        return new NamedTensor(name, Tensor.of(type, shape, data), offset);
    }

    /** The dims as ints, refusing negative, oversized and overflowing ones the way the api's Shape would. */
    private static int[] dimensions(LongArrayBuilder dims, String what) throws ModelLoadException {
        if (dims.size() > MAX_RANK) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " has rank " + dims.size() + ", more than " + MAX_RANK);
        }
        long[] values = dims.toArray();
        int[] result = new int[values.length];
        long count = 1;
        for (int i = 0; i < values.length; i++) {
            long d = values[i];
            if (d < 0) {
                throw new ModelLoadException(Code.MALFORMED, what + " has negative dimension " + d
                        + " in " + Arrays.toString(values));
            }
            if (d > Integer.MAX_VALUE) {
                throw new ModelLoadException(Code.TOO_LARGE, what + " has dimension " + d + " in "
                        + Arrays.toString(values) + ", more than the " + Integer.MAX_VALUE + " a dimension can have");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new ModelLoadException(Code.TOO_LARGE, what + " has dims " + Arrays.toString(values)
                        + " whose element count overflows 64 bits");
            }
            result[i] = (int) d;
        }
        return result;
    }

    private static long byteSize(DataType type, long elements, int[] dims, String what) throws ModelLoadException {
        if (elements > FileMapping.MAX_REGION * 8 / type.bits()) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " declares " + elements + " elements of " + type
                    + " " + Arrays.toString(dims) + "; one tensor can hold at most 2 GiB");
        }
        long bytes = type.byteSize(elements);
        if (bytes > FileMapping.MAX_REGION) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " declares " + describe(type, dims, bytes)
                    + "; one tensor can hold at most 2 GiB");
        }
        return bytes;
    }

    private static ByteBuffer rawData(ByteBuffer raw, long bytes, int sourceSize, DataType type, int[] dims, String what)
            throws ModelLoadException {
        if (bytes > sourceSize) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " declares " + describe(type, dims, bytes)
                    + " but the whole file is " + sourceSize + " bytes");
        }
        if (raw.remaining() != bytes) {
            throw new ModelLoadException(Code.MALFORMED, what + " declares " + describe(type, dims, bytes)
                    + " but raw_data holds " + raw.remaining() + " bytes");
        }
        if (raw.remaining() >= COPY_BELOW) {
            return raw;
        }
        ByteBuffer copy = ByteBuffer.allocate(raw.remaining());
        copy.put(raw.duplicate());
        return copy.flip();
    }

    /** Decodes typed field {@code field}, whose {@code count} elements were counted in the first pass. */
    private static ByteBuffer typedData(ProtobufReader reader, int field, long count, DataType type, long elements,
                                        long bytes, int[] dims, String what) throws ModelLoadException {
        boolean allowed = switch (field) {
            case FLOAT_DATA -> type == DataType.FP32;
            case INT64_DATA -> type == DataType.INT64;
            case INT32_DATA -> type != DataType.FP32 && type != DataType.INT64;
            default -> false;
        };
        if (!allowed) {
            throw new ModelLoadException(Code.MALFORMED, what + " of type " + type + " holds " + fieldName(field)
                    + ", which ONNX does not allow for that type");
        }
        // int32_data holds one packed byte (two elements) per entry for the 4-bit types.
        long expected = type.bits() == 4 ? (elements + 1) / 2 : elements;
        if (expected > reader.sourceSize()) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " declares " + describe(type, dims, bytes)
                    + ", more elements than the " + reader.sourceSize() + "-byte file could hold");
        }
        if (count != expected) {
            throw new ModelLoadException(Code.MALFORMED, what + " declares " + describe(type, dims, bytes)
                    + ", which needs " + expected + " entries in " + fieldName(field) + ", but it holds " + count);
        }
        ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        TypedValueWriter writer = new TypedValueWriter(out, type, fieldName(field), what);
        ProtobufReader again = reader.restarted();
        while (again.hasRemaining()) {
            int tag = again.readTag();
            if (ProtobufReader.fieldNumber(tag) == field) {
                RepeatedScalars.read(again, tag, encodingOf(field), fieldName(field), writer);
            } else {
                again.skipField(tag);
            }
        }
        return out.flip();
    }

    private static RepeatedScalars.Encoding encodingOf(int field) {
        return switch (field) {
            case FLOAT_DATA -> RepeatedScalars.Encoding.FIXED32;
            case DOUBLE_DATA -> RepeatedScalars.Encoding.FIXED64;
            default -> RepeatedScalars.Encoding.VARINT;
        };
    }

    private static String fieldName(int field) {
        return switch (field) {
            case FLOAT_DATA -> "float_data";
            case INT32_DATA -> "int32_data";
            case STRING_DATA -> "string_data";
            case INT64_DATA -> "int64_data";
            case RAW_DATA -> "raw_data";
            case DOUBLE_DATA -> "double_data";
            case UINT64_DATA -> "uint64_data";
            default -> "field " + field;
        };
    }

    private static String describe(DataType type, int[] dims, long bytes) {
        return type + " " + Arrays.toString(dims) + " (" + bytes + " bytes)";
    }

    /** Writes the elements of a typed field into the tensor's buffer, checking each fits the type. */
    private static final class TypedValueWriter implements RepeatedScalars.Sink {
        private final ByteBuffer out;
        private final DataType type;
        private final String field;
        private final String what;
        private long index;

        TypedValueWriter(ByteBuffer out, DataType type, String field, String what) {
            this.out = out;
            this.type = type;
            this.field = field;
            this.what = what;
        }

        @Override
        public void accept(long value) throws ModelLoadException {
            // int32_data is a protobuf int32: the low 32 bits are the value.
            int v = (int) value;
            switch (type) {
                case FP32, INT32 -> out.putInt(v);
                case INT64 -> out.putLong(value);
                case INT16 -> out.putShort((short) inRange(v, Short.MIN_VALUE, Short.MAX_VALUE));
                case UINT16 -> out.putShort((short) inRange(v, 0, 0xFFFF));
                // FLOAT16 bits are written as uint16, but a signed view of the same bits is harmless.
                case FP16 -> out.putShort((short) inRange(v, Short.MIN_VALUE, 0xFFFF));
                case INT8 -> out.put((byte) inRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case UINT8 -> out.put((byte) inRange(v, 0, 0xFF));
                case BOOL -> out.put((byte) inRange(v, 0, 1));
                case INT4, UINT4 -> out.put((byte) inRange(v, Byte.MIN_VALUE, 0xFF));
                default -> throw new IllegalStateException("no typed field holds " + type);
            }
            index++;
        }

        private int inRange(int value, int min, int max) throws ModelLoadException {
            if (value < min || value > max) {
                throw new ModelLoadException(Code.MALFORMED, what + " of type " + type + " holds " + value
                        + " at index " + index + " of " + field + ", outside [" + min + ", " + max + "]");
            }
            return value;
        }
    }
}
