package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.PackedMatrix;

/** A K x N float matrix copied into a dense row-major array (leading dimension N). */
record DenseFloatMatrix(float[] values, int rows, int columns) implements PackedMatrix {

    @Override
    public long bytes() {
        return (long) Float.BYTES * values.length;
    }
}
