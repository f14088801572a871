package io.quantedge.onnx;

import java.util.Arrays;

/**
 * A growable list of longs without boxing. Its size is bounded by the file: every element costs at
 * least one byte of the field it is read from.
 */
final class LongArrayBuilder {
    private long[] values = new long[8];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
