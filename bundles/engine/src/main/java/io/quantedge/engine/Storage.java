package io.quantedge.engine;

import io.quantedge.api.tensor.DataType;

/**
 * The Java array kind a data type lives in while the engine runs. Sub-byte types are unpacked to
 * one byte per element, so every integer op reads them like int8/uint8.
 */
public enum Storage {
    FLOAT(4), INT(4), LONG(8), SHORT(2), BYTE(1);

    private final int bytes;

    Storage(int bytes) {
        this.bytes = bytes;
    }

    public int bytesPerElement() {
        return bytes;
    }

    public static Storage of(DataType type) {
        return switch (type) {
            case FP32 -> FLOAT;
            case INT32 -> INT;
            case INT64 -> LONG;
            case FP16, INT16, UINT16 -> SHORT;
            case INT8, UINT8, INT4, UINT4, BOOL -> BYTE;
        };
    }

    public Object allocate(int elements) {
        return switch (this) {
            case FLOAT -> new float[elements];
            case INT -> new int[elements];
            case LONG -> new long[elements];
            case SHORT -> new short[elements];
            case BYTE -> new byte[elements];
        };
    }
}
