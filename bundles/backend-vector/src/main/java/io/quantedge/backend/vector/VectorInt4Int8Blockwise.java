package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;

/**
 * MatMulNBits with activations quantized to int8 per block, on integer lanes: the weights are
 * repacked into column panels ({@link Int4PanelMatrix}), a block of rows of A is quantized once
 * ({@link QuantizedRows}), and each panel is multiplied by each of those rows ({@link Int4PanelDots}).
 * Block sums are exact int32 as the contract requires; each block enters the float sum with one
 * FMA where the reference rounds product and sum apart: within the float rounding the contract allows.
 *
 * <p>Rows go in blocks of {@link #ROW_BLOCK} so the quantized rows stay small, and within a block
 * panel by panel, each panel (K / 2 bytes a column) meeting every row of the block while it is in
 * L1 or L2. A single row (matrix-vector, the case this kernel is for) streams the weights once.
 */
final class VectorInt4Int8Blockwise implements BlockwiseInt4Int8Kernel {

    static final int ROW_BLOCK = 16;

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        return Int4PanelMatrix.pack(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        if (!(w instanceof Int4PanelMatrix weights)) {
            throw KernelArguments.foreignPacking("W", w, Int4PanelMatrix.class.getSimpleName(), "vector");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("W", weights.rows(), weights.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        Int4Int8Workspace workspace = Int4Int8Workspace.ofCurrentThread();
        QuantizedRows activations = workspace.rows();
        int[] blockDots = workspace.blockDots(weights.blocks());
        int fullPanels = n / LANES;
        int lastWidth = n % LANES;
        for (int firstRow = 0; firstRow < m; firstRow += ROW_BLOCK) {
            int rows = Math.min(ROW_BLOCK, m - firstRow);
            activations.quantize(a, aOffset + firstRow * lda, lda, rows, k, weights.blockSize());
            int cBlock = cOffset + firstRow * ldc;
            for (int panel = 0; panel < fullPanels; panel++) {
                for (int r = 0; r < rows; r++) {
                    Int4PanelDots.dot(weights, panel, activations, r, blockDots, c, cBlock + r * ldc + panel * LANES);
                }
            }
            if (lastWidth > 0) {
                float[] lanes = workspace.partialPanel();
                for (int r = 0; r < rows; r++) {
                    Int4PanelDots.dot(weights, fullPanels, activations, r, blockDots, lanes, 0);
                    System.arraycopy(lanes, 0, c, cBlock + r * ldc + fullPanels * LANES, lastWidth);
                }
            }
        }
    }
}
