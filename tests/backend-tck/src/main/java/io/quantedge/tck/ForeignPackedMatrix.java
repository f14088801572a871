package io.quantedge.tck;

import io.quantedge.api.kernel.PackedMatrix;

/** A packed matrix no backend made: a kernel must refuse it rather than cast it or read through it. */
record ForeignPackedMatrix(int rows, int columns) implements PackedMatrix {

    @Override
    public long bytes() {
        return 0;
    }
}
