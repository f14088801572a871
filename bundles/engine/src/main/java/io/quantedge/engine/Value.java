package io.quantedge.engine;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor while the engine works on it: a type, a shape, and a window of a typed array (a
 * run's arena, or a heap array of its own for constants). Ops index {@code data()} from
 * {@code offset()}; unsigned and sub-byte types are stored as bytes and read with the type's
 * extension ({@link #integerAt}).
 */
public final class Value {
    private final DataType type;
    private final int[] shape;
    private final Object data;
    private final int offset;
    private final int size;

    public Value(DataType type, int[] shape, Object data, int offset) {
        this.type = type;
        this.shape = shape;
        this.data = data;
        this.offset = offset;
        this.size = elementCount(shape);
    }

    /** A zero-filled value on the heap. */
    public static Value allocate(DataType type, int... shape) {
        return new Value(type, shape.clone(), Storage.of(type).allocate(elementCount(shape)), 0);
    }

    public static Value ofFloats(int[] shape, float... values) {
        return new Value(DataType.FP32, shape.clone(), values, 0);
    }

    public static Value ofLongs(int[] shape, long... values) {
        return new Value(DataType.INT64, shape.clone(), values, 0);
    }

    public static int elementCount(int[] shape) {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        return Math.toIntExact(count);
    }

    public DataType type() {
        return type;
    }

    /** The shape; callers must not modify the array. */
    public int[] shape() {
        return shape;
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size;
    }

    public int offset() {
        return offset;
    }

    public Object data() {
        return data;
    }

    public float[] floats() {
        return (float[]) data;
    }

    public int[] ints() {
        return (int[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }

    public byte[] bytes() {
        return (byte[]) data;
    }

    public short[] shorts() {
        return (short[]) data;
    }

    /** Element {@code i} (relative to the offset) of an integer type, extended per the type. */
    public long integerAt(int i) {
        int at = offset + i;
        return switch (type) {
            case INT64 -> longs()[at];
            case INT32 -> ints()[at];
            case INT16 -> shorts()[at];
            case UINT16 -> shorts()[at] & 0xFFFF;
            case INT8, INT4 -> bytes()[at];
            case UINT8, UINT4, BOOL -> bytes()[at] & 0xFF;
            case FP32, FP16 -> throw new IllegalStateException(type + " is not an integer type");
        };
    }

    /** Element {@code i} as a double, for any type (slow path: constants, shapes, tests). */
    public double numberAt(int i) {
        return type == DataType.FP32 ? floats()[offset + i]
                : type == DataType.FP16 ? Float16.toFloat(shorts()[offset + i])
                : integerAt(i);
    }

    /** All elements of an integer value as longs (for shape-like inputs). */
    public long[] toLongArray() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = integerAt(i);
        }
        return out;
    }

    /** Copies into a fresh heap value of the same type and shape. */
    public Value copy() {
        Value copy = allocate(type, shape);
        System.arraycopy(data, offset, copy.data, 0, size);
        return copy;
    }

    /** The same elements seen with another shape of equal size (no copy). */
    public Value reshaped(int[] newShape) {
        if (elementCount(newShape) != size) {
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        }
        return new Value(type, newShape, data, offset);
    }

    /** Converts an api tensor (packed, little-endian) into engine storage. */
    public static Value fromTensor(Tensor tensor) {
        Value value = allocate(tensor.type(), tensor.shape().dims());
        value.copyFrom(tensor);
        return value;
    }

    /** Overwrites this value's elements with those of {@code tensor} (same type and size). */
    public void copyFrom(Tensor tensor) {
        if (tensor.type() != type || tensor.elementCount() != size) {
            throw new IllegalArgumentException("cannot copy " + tensor + " into " + this);
        }
        ByteBuffer in = tensor.data();
        switch (type) {
            case FP32 -> in.asFloatBuffer().get(floats(), offset, size);
            case INT32 -> in.asIntBuffer().get(ints(), offset, size);
            case INT64 -> in.asLongBuffer().get(longs(), offset, size);
            case FP16, INT16, UINT16 -> in.asShortBuffer().get(shorts(), offset, size);
            case INT8, UINT8, BOOL -> in.get(bytes(), offset, size);
            case INT4, UINT4 -> {
                byte[] out = bytes();
                for (int i = 0; i < size; i++) {
                    out[offset + i] = (byte) tensor.integerAt(i);
                }
            }
        }
    }

    /** Converts to an api tensor (copying), packing sub-byte types. */
    public Tensor toTensor() {
        Shape s = Shape.of(shape);
        switch (type) {
            case INT4, UINT4 -> {
                int[] values = new int[size];
                for (int i = 0; i < size; i++) {
                    values[i] = (int) integerAt(i);
                }
                return Tensor.ofNibbles(type, s, values);
            }
            default -> {
                ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(type.byteSize(size))).order(ByteOrder.LITTLE_ENDIAN);
                switch (type) {
                    case FP32 -> out.asFloatBuffer().put(floats(), offset, size);
                    case INT32 -> out.asIntBuffer().put(ints(), offset, size);
                    case INT64 -> out.asLongBuffer().put(longs(), offset, size);
                    case FP16, INT16, UINT16 -> out.asShortBuffer().put(shorts(), offset, size);
                    default -> out.put(bytes(), offset, size).rewind();
                }
                return Tensor.of(type, s, out);
            }
        }
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
