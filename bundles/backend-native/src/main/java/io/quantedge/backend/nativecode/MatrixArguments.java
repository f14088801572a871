package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Objects;

/**
 * Checks made in Java before every native call: native code indexes raw memory, so an operand
 * that does not lie inside its array must be refused here, with an {@link IllegalArgumentException}
 * naming the operand, rather than crash the JVM there. The checks themselves are the shared
 * {@link KernelArguments}; this adds the null check and the native packing's kind.
 */
final class MatrixArguments {

    private MatrixArguments() {
    }

    /** A row-major {@code rows x columns} matrix at {@code offset} with leading dimension {@code ld} lies inside the array. */
    static void requireInside(String operand, Object array, int arrayLength, int offset, int ld, int rows,
                              int columns) {
        // Null is a NullPointerException, as the scalar reference (and the conformance kit) has it.
        Objects.requireNonNull(array, operand);
        KernelArguments.requireInside(operand, arrayLength, offset, ld, rows, columns);
    }

    /** The packed operand was made by this backend's {@code kind} of packing, with the product's shape. */
    static NativePackedMatrix requirePacked(String operand, PackedMatrix packed, NativePackedMatrix.Kind kind,
                                            int rows, int columns) {
        if (!(packed instanceof NativePackedMatrix matrix) || matrix.kind() != kind) {
            throw KernelArguments.foreignPacking(operand, packed, kind + " matrix", "native");
        }
        KernelArguments.requireShape(operand, matrix.rows(), matrix.columns(), rows, columns);
        return matrix;
    }
}
