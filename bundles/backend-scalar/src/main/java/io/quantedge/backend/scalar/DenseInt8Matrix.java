package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * A K x N int8 or uint8 matrix copied into a dense row-major array, with one zero point per
 * column (a per-tensor zero point repeated, so the product loop reads them all the same way).
 */
record DenseInt8Matrix(byte[] values, int rows, int columns, boolean signed, int[] columnZeroPoints)
        implements PackedMatrix {

    @Override
    public long bytes() {
        return values.length + (long) Integer.BYTES * columnZeroPoints.length;
    }
}
