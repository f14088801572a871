package io.quantedge.backend.vector;

/**
 * The argument checks every kernel makes before its loops: a row-major matrix of {@code rows} x
 * {@code columns} at {@code offset} with leading dimension {@code ld} must lie inside its array.
 * Checked up front so a bad call fails with a message naming the operand, with nothing written,
 * and so the loops can trust their indices.
 */
final class OperandChecks {

    private OperandChecks() {
    }

    static void requireDimensions(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    static void requireInside(String operand, int arrayLength, int offset, int ld, int rows, int columns) {
        if (offset < 0) {
            throw new IllegalArgumentException(operand + ": negative offset " + offset);
        }
        if (rows > 1 && ld < columns) {
            throw new IllegalArgumentException(operand + ": leading dimension " + ld + " is less than its "
                    + columns + " columns");
        }
        if (rows == 0 || columns == 0) {
            return;
        }
        long end = offset + (long) (rows - 1) * ld + columns;
        if (end > arrayLength) {
            throw new IllegalArgumentException(operand + ": " + rows + " x " + columns + " at offset " + offset
                    + " with leading dimension " + ld + " needs " + end + " elements, the array has " + arrayLength);
        }
    }

    static void requireShape(String operand, int rows, int columns, int expectedRows, int expectedColumns) {
        if (rows != expectedRows || columns != expectedColumns) {
            throw new IllegalArgumentException(operand + " was packed as " + rows + " x " + columns
                    + ", the product needs " + expectedRows + " x " + expectedColumns);
        }
    }

    static IllegalArgumentException foreign(String operand, Object packed, Class<?> expected) {
        return new IllegalArgumentException(operand + " is a " + (packed == null ? "null" : packed.getClass().getName())
                + ", not a " + expected.getSimpleName() + ": pack it with the vector backend's own kernel");
    }
}
