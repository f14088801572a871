package io.quantedge.backend.vector;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * Depthwise filters prepared for {@link VectorDepthwiseConv}: per channel (row) its taps (columns)
 * minus the channel's zero point, as ints ({@code weights[c * taps + t]}, in [-255, 255]), and the
 * sum of those taps, {@code weightSums[c]} (int32, wrapping), which turns the input zero point into
 * one constant per channel.
 */
record CenteredDepthwiseFilters(int[] weights, int[] weightSums, int rows, int columns) implements PackedMatrix {

    @Override
    public long bytes() {
        return (long) Integer.BYTES * (weights.length + weightSums.length);
    }
}
