package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Objects;

/**
 * MatMulNBits with 4-bit weights, dequantizing each weight as it is used:
 * {@code C[i][j] = sum over p of A[i][p] * ((q[j][p] - zero[j][b]) * scale[j][b])}, b = p / blockSize,
 * the weight's product in single precision and the sum in increasing p.
 *
 * <p>The weights stay 4-bit in memory. Dequantizing them once at pack time would make the loop a
 * plain float product but hold 8 bytes for every byte of the model (a 7B-parameter model would need
 * 28 GB instead of 3.5), which an edge gateway does not have; and the usual single-row product
 * (token generation) is bound by memory traffic, which 4-bit weights cut by eight. The price is
 * dequantizing again for every row of A. The weight is computed exactly as a dequantized copy would
 * hold it, so the results are the same bits either way.
 */
final class ScalarInt4Blockwise implements BlockwiseInt4Kernel {

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        Objects.requireNonNull(quantized, "quantized");
        Objects.requireNonNull(scales, "scales");
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("K and N must be positive, got K=" + k + ", N=" + n);
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a power of two >= 16");
        }
        long blocks = BlockwiseInt4Matrix.blocksPerColumn(k, blockSize);
        requireLength("quantized weights", quantized.length, n * blocks * (blockSize / 2),
                "N * ceil(K / blockSize) * blockSize / 2 bytes");
        requireLength("scales", scales.length, n * blocks, "N * ceil(K / blockSize)");
        if (zeroPoints != null) {
            requireLength("zero points", zeroPoints.length, n * ((blocks + 1) / 2),
                    "N * ceil(ceil(K / blockSize) / 2) bytes, or none for the default 8");
        }
        return new BlockwiseInt4Matrix(quantized.clone(), scales.clone(),
                zeroPoints == null ? null : zeroPoints.clone(), k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        if (!(w instanceof BlockwiseInt4Matrix weights)) {
            throw KernelArguments.foreignPacking("W", w, BlockwiseInt4Matrix.class.getSimpleName(), "scalar");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("W", weights.rows(), weights.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        byte[] quantized = weights.quantized();
        float[] scales = weights.scales();
        byte[] zeroPoints = weights.zeroPoints();
        int blockSize = weights.blockSize();
        int blocks = weights.blocks();
        int columnBytes = weights.bytesPerColumn();
        int zeroPointColumnBytes = weights.zeroPointBytesPerColumn();
        for (int i = 0; i < m; i++) {
            int aRow = aOffset + i * lda;
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int block = 0; block < blocks; block++) {
                    float scale = scales[j * blocks + block];
                    int zero = zeroPoints == null ? BlockwiseInt4Matrix.DEFAULT_ZERO_POINT
                            : BlockwiseInt4Matrix.nibble(zeroPoints, j * zeroPointColumnBytes, block);
                    int blockStart = j * columnBytes + block * blockSize / 2;
                    int length = Math.min(blockSize, k - block * blockSize);
                    int aBlock = aRow + block * blockSize;
                    for (int r = 0; r < length; r++) {
                        float weight = (BlockwiseInt4Matrix.nibble(quantized, blockStart, r) - zero) * scale;
                        sum += a[aBlock + r] * weight;
                    }
                }
                c[cOffset + i * ldc + j] = sum;
            }
        }
    }

    private static void requireLength(String what, int actual, long expected, String rule) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + ": " + actual + " given, " + expected + " expected (" + rule
                    + ")");
        }
    }
}
