package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * Depthwise filters copied as given: per channel (row), its kH x kW taps (columns) of int8 or
 * uint8 values, and one zero point per channel (a shared one repeated).
 */
record DepthwiseFilters(byte[] values, int rows, int columns, boolean signed, int[] channelZeroPoints)
        implements PackedMatrix {

    @Override
    public long bytes() {
        return values.length + (long) Integer.BYTES * channelZeroPoints.length;
    }
}
