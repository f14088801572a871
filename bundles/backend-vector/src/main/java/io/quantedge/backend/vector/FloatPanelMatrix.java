package io.quantedge.backend.vector;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * A K x N float matrix cut into panels of {@link FloatTiles#PANEL_WIDTH} columns, each panel stored
 * K rows deep with its columns adjacent ({@code values[(panel * K + p) * PANEL_WIDTH + column]}), so
 * the product walks one panel front to back. The last panel's missing columns are zeros.
 */
record FloatPanelMatrix(float[] values, int rows, int columns) implements PackedMatrix {

    @Override
    public long bytes() {
        return (long) Float.BYTES * values.length;
    }
}
