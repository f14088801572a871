package io.quantedge.engine.ops;

import io.quantedge.engine.Value;

/** Writes an integer into element {@code i} of a value of any integer type (already in range). */
final class IntegerStore {

    private IntegerStore() {
    }

    static void put(Value y, int i, long v) {
        int at = y.offset() + i;
        switch (y.type()) {
            case INT64 -> y.longs()[at] = v;
            case INT32 -> y.ints()[at] = (int) v;
            case INT16, UINT16 -> y.shorts()[at] = (short) v;
            default -> y.bytes()[at] = (byte) v;
        }
    }
}
