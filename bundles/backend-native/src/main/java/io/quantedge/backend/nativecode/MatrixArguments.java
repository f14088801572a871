package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.PackedMatrix;
import java.util.Objects;

/**
 * Checks made in Java before every native call: native code indexes raw memory, so an operand
 * that does not lie inside its array must be refused here, with an {@link IllegalArgumentException}
 * naming the operand, rather than crash the JVM there.
 */
final class MatrixArguments {

    private MatrixArguments() {
    }

    static void requireDimensions(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** A row-major {@code rows x columns} matrix at {@code offset} with leading dimension {@code ld} lies inside the array. */
    static void requireInside(String operand, Object array, int arrayLength, int offset, int ld, int rows,
                              int columns) {
        // Null is a NullPointerException, as the scalar reference (and the conformance kit) has it.
        Objects.requireNonNull(array, operand);
        if (offset < 0) {
            throw new IllegalArgumentException(operand + ": negative offset " + offset);
        }
        if (rows > 1 && ld < columns) {
            throw new IllegalArgumentException(operand + ": leading dimension " + ld + " is less than its " + columns
                    + " columns");
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

    /** The packed operand was made by this backend's {@code kind} of packing, with the product's shape. */
    static NativePackedMatrix requirePacked(String operand, PackedMatrix packed, NativePackedMatrix.Kind kind,
                                            int rows, int columns) {
        if (!(packed instanceof NativePackedMatrix matrix) || matrix.kind() != kind) {
            throw new IllegalArgumentException(operand + " is " + (packed == null ? "null" : "a "
                    + packed.getClass().getName()) + ", not a " + kind + " matrix packed by the native backend: "
                    + "pack it with this backend's own kernel");
        }
        if (matrix.rows() != rows || matrix.columns() != columns) {
            throw new IllegalArgumentException(operand + " was packed as " + matrix.rows() + " x " + matrix.columns()
                    + ", the product needs " + rows + " x " + columns);
        }
        return matrix;
    }
}
