package io.quantedge.tck;

import java.util.Arrays;
import java.util.Random;

/** An int8 or uint8 matrix in a larger array; the padding is random bytes, so using it changes results. */
record Int8Matrix(byte[] values, MatrixLayout layout, boolean signed) {

    static Int8Matrix random(Random random, int rows, int columns, boolean signed) {
        MatrixLayout layout = MatrixLayout.random(random, rows, columns);
        byte[] values = new byte[layout.arrayLength()];
        random.nextBytes(values);
        return new Int8Matrix(values, layout, signed);
    }

    /** Every element {@code value}, the padding random. */
    static Int8Matrix constant(Random random, int rows, int columns, int value, boolean signed) {
        Int8Matrix matrix = random(random, rows, columns, signed);
        for (int row = 0; row < rows; row++) {
            int start = matrix.layout.index(row, 0);
            Arrays.fill(matrix.values, start, start + columns, (byte) value);
        }
        return matrix;
    }

    int offset() {
        return layout.offset();
    }

    int ld() {
        return layout.ld();
    }
}
