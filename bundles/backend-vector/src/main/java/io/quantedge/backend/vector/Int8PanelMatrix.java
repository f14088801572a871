package io.quantedge.backend.vector;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * A K x N int8/uint8 matrix prepared for {@link VectorInt8Gemm}: values shifted to int8 (uint8 minus
 * 128) and cut into panels of {@link Int8Tiles#PANEL_WIDTH} columns, each panel K rows deep with its
 * columns adjacent, missing columns of the last panel zero. Per column j it keeps the zero point in
 * the same shifted terms, {@code zeroPoints[j]}, and {@code zeroPointTerms[j] = K * zeroPoints[j] -
 * (sum over p of B'[p][j])}, the part of the zero-point correction that does not depend on A (int32,
 * wrapping).
 */
record Int8PanelMatrix(byte[] panels, int rows, int columns, int[] zeroPoints, int[] zeroPointTerms)
        implements PackedMatrix {

    @Override
    public long bytes() {
        return panels.length + (long) Integer.BYTES * (zeroPoints.length + zeroPointTerms.length);
    }
}
