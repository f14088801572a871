package io.quantedge.tck;

import java.util.Arrays;
import java.util.Random;

/**
 * A float matrix in a larger array whose padding is NaN: a kernel that reads outside the matrix
 * (ignoring the leading dimension, overrunning a tail) gets NaN into its results.
 */
record FloatMatrix(float[] values, MatrixLayout layout) {

    /** Uniform in [-1, 1), times {@code 2^spread} for a random spread in [-range, range]. */
    static FloatMatrix random(Random random, int rows, int columns, int range) {
        MatrixLayout layout = MatrixLayout.random(random, rows, columns);
        float[] values = new float[layout.arrayLength()];
        Arrays.fill(values, Float.NaN);
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                float value = random.nextFloat() * 2 - 1;
                values[layout.index(row, column)] = range == 0 ? value
                        : Math.scalb(value, random.nextInt(2 * range + 1) - range);
            }
        }
        return new FloatMatrix(values, layout);
    }

    float at(int row, int column) {
        return values[layout.index(row, column)];
    }

    int offset() {
        return layout.offset();
    }

    int ld() {
        return layout.ld();
    }
}
