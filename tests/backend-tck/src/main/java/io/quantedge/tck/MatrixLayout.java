package io.quantedge.tck;

import java.util.Random;

/**
 * Where a row-major rows x columns matrix sits in its flat array: from {@code offset}, rows
 * {@code ld} apart. The array is longer than the matrix on every side the layout allows (before
 * the offset, between rows, after the last row), so a kernel that reads or writes outside the
 * matrix is seen doing it.
 */
record MatrixLayout(int offset, int ld, int rows, int columns) {

    /** Elements after the last row, to catch reads and writes past the end. */
    private static final int TAIL = 3;

    /** A layout with a random offset and a leading dimension wider than the matrix, or exactly as wide. */
    static MatrixLayout random(Random random, int rows, int columns) {
        int offset = random.nextInt(5);
        int ld = columns + (random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(4));
        return new MatrixLayout(offset, ld, rows, columns);
    }

    /** The matrix packed densely at the start of its array, no padding. */
    static MatrixLayout dense(int rows, int columns) {
        return new MatrixLayout(0, columns, rows, columns);
    }

    int arrayLength() {
        return offset + rows * ld + TAIL;
    }

    int index(int row, int column) {
        return offset + row * ld + column;
    }

    /** The (row, column) an array index falls on, or that it is padding. */
    String describe(int index) {
        int relative = index - offset;
        if (relative >= 0 && ld > 0 && relative / ld < rows && relative % ld < columns) {
            return "[" + relative / ld + "][" + relative % ld + "]";
        }
        return " padding at array index " + index;
    }

    @Override
    public String toString() {
        return "offset " + offset + ", ld " + ld;
    }
}
