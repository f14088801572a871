package io.quantedge.api.tensor;

/**
 * Element types a tensor can hold. Sub-byte types (INT4, UINT4) are packed two to a byte, the
 * element with the lower index in the low nibble, as ONNX stores them.
 */
public enum DataType {
    FP32(32, false, true),
    FP16(16, false, true),
    INT64(64, true, false),
    INT32(32, true, false),
    INT16(16, true, false),
    UINT16(16, false, false),
    INT8(8, true, false),
    UINT8(8, false, false),
    INT4(4, true, false),
    UINT4(4, false, false),
    BOOL(8, false, false);

    private final int bits;
    private final boolean signed;
    private final boolean floatingPoint;

    DataType(int bits, boolean signed, boolean floatingPoint) {
        this.bits = bits;
        this.signed = signed;
        this.floatingPoint = floatingPoint;
    }

    /** Storage width of one element in bits. */
    public int bits() {
        return bits;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** True for the integer types a quantized tensor can be stored in. */
    public boolean isQuantizable() {
        return !floatingPoint && this != BOOL && this != INT64;
    }

    /** Smallest representable value of an integer type; the saturation bound of quantization. */
    public long minValue() {
        requireInteger();
        return signed ? -(1L << (bits - 1)) : 0;
    }

    /** Largest representable value of an integer type; the saturation bound of quantization. */
    public long maxValue() {
        requireInteger();
        if (this == BOOL) {
            return 1;
        }
        return signed ? (1L << (bits - 1)) - 1 : (bits == 64 ? Long.MAX_VALUE : (1L << bits) - 1);
    }

    /** Bytes needed to store {@code elements} values of this type, rounding sub-byte types up. */
    public long byteSize(long elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative element count: " + elements);
        }
        return Math.multiplyExact(elements, bits) / 8 + (elements * bits % 8 == 0 ? 0 : 1);
    }

    private void requireInteger() {
        if (floatingPoint) {
            throw new UnsupportedOperationException(this + " is not an integer type");
        }
    }
}
