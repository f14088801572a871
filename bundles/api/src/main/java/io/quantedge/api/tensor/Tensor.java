package io.quantedge.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable tensor value: element type, shape, little-endian data and, for quantized integer
 * tensors, the parameters that map its integers to real values. The data may be a memory-mapped
 * region of a model file; it is never written through this type.
 */
public final class Tensor {
    private final DataType type;
    private final Shape shape;
    private final ByteBuffer data;
    private final QuantParams quantization;

    private Tensor(DataType type, Shape shape, ByteBuffer data, QuantParams quantization) {
        this.type = Objects.requireNonNull(type, "type");
        this.shape = Objects.requireNonNull(shape, "shape");
        long expected = type.byteSize(shape.elementCount());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("a " + type + shape + " tensor needs " + expected
                    + " bytes of data, got " + data.remaining());
        }
        if (quantization != null && !type.isQuantizable()) {
            throw new IllegalArgumentException(type + " tensors cannot carry quantization parameters");
        }
        this.data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.quantization = quantization;
    }

    /** Wraps {@code data} (from its position to its limit, little-endian) without copying it. */
    public static Tensor of(DataType type, Shape shape, ByteBuffer data) {
        return new Tensor(type, shape, data, null);
    }

    public static Tensor ofFloats(Shape shape, float... values) {
        ByteBuffer buffer = allocate(values.length * 4L);
        buffer.asFloatBuffer().put(values);
        return new Tensor(DataType.FP32, shape, buffer, null);
    }

    public static Tensor ofInts(Shape shape, int... values) {
        ByteBuffer buffer = allocate(values.length * 4L);
        buffer.asIntBuffer().put(values);
        return new Tensor(DataType.INT32, shape, buffer, null);
    }

    public static Tensor ofLongs(Shape shape, long... values) {
        ByteBuffer buffer = allocate(values.length * 8L);
        buffer.asLongBuffer().put(values);
        return new Tensor(DataType.INT64, shape, buffer, null);
    }

    /** An INT8, UINT8 or BOOL tensor from one byte per element. */
    public static Tensor ofBytes(DataType type, Shape shape, byte... values) {
        if (type.bits() != 8) {
            throw new IllegalArgumentException(type + " is not a one-byte type");
        }
        return new Tensor(type, shape, ByteBuffer.wrap(values.clone()), null);
    }

    /**
     * An INT4 or UINT4 tensor from one value per element, packed two to a byte (low nibble first).
     * Values outside the type's range are refused rather than silently truncated.
     */
    public static Tensor ofNibbles(DataType type, Shape shape, int... values) {
        if (type != DataType.INT4 && type != DataType.UINT4) {
            throw new IllegalArgumentException(type + " is not a 4-bit type");
        }
        byte[] packed = new byte[(values.length + 1) / 2];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < type.minValue() || v > type.maxValue()) {
                throw new IllegalArgumentException(v + " does not fit " + type);
            }
            packed[i / 2] |= (byte) ((v & 0xF) << (i % 2 == 0 ? 0 : 4));
        }
        return new Tensor(type, shape, ByteBuffer.wrap(packed), null);
    }

    /** The same data with quantization parameters attached. */
    public Tensor withQuantization(QuantParams params) {
        return new Tensor(type, shape, data, Objects.requireNonNull(params, "params"));
    }

    public DataType type() {
        return type;
    }

    public Shape shape() {
        return shape;
    }

    public long elementCount() {
        return shape.elementCount();
    }

    /** A read-only, little-endian view of the data positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public Optional<QuantParams> quantization() {
        return Optional.ofNullable(quantization);
    }

    /** Element {@code index} (row-major) of any integer type, sign- or zero-extended. */
    public long integerAt(long index) {
        checkIndex(index);
        int i = (int) index;
        return switch (type) {
            case INT64 -> data.getLong(i * 8);
            case INT32 -> data.getInt(i * 4);
            case INT16 -> data.getShort(i * 2);
            case UINT16 -> data.getShort(i * 2) & 0xFFFF;
            case INT8 -> data.get(i);
            case UINT8, BOOL -> data.get(i) & 0xFF;
            case INT4 -> (byte) (nibble(i) << 4) >> 4;
            case UINT4 -> nibble(i);
            case FP32, FP16 -> throw new UnsupportedOperationException(type + " is not an integer type");
        };
    }

    /** Element {@code index} (row-major) of an FP32 tensor. */
    public float floatAt(long index) {
        if (type != DataType.FP32) {
            throw new UnsupportedOperationException("floatAt needs FP32, tensor is " + type);
        }
        checkIndex(index);
        return data.getFloat((int) index * 4);
    }

    /** All elements of an FP32 tensor, copied. */
    public float[] toFloatArray() {
        if (type != DataType.FP32) {
            throw new UnsupportedOperationException("toFloatArray needs FP32, tensor is " + type);
        }
        float[] values = new float[Math.toIntExact(elementCount())];
        data().asFloatBuffer().get(values);
        return values;
    }

    /** All elements of an integer tensor, widened to long and copied. */
    public long[] toLongArray() {
        long[] values = new long[Math.toIntExact(elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = integerAt(i);
        }
        return values;
    }

    private int nibble(int index) {
        int b = data.get(index / 2) & 0xFF;
        return index % 2 == 0 ? b & 0xF : b >>> 4;
    }

    private void checkIndex(long index) {
        if (index < 0 || index >= elementCount()) {
            throw new IndexOutOfBoundsException("index " + index + " outside " + shape);
        }
    }

    private static ByteBuffer allocate(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Equal when type, shape, quantization and every data byte are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor t
                && type == t.type
                && shape.equals(t.shape)
                && Objects.equals(quantization, t.quantization)
                && data().equals(t.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, shape, quantization);
    }

    @Override
    public String toString() {
        return "Tensor" + (quantization == null ? "" : "(" + quantization + ")") + "<" + type + shape + ">";
    }
}
