package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;

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
        return BlockwiseInt4Matrix.copyOf(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        BlockwiseInt4Matrix weights = BlockwiseInt4Matrix.requireOperands(w, m, n, k, a, aOffset, lda, c, cOffset,
                ldc);
        byte[] quantized = weights.quantized();
        float[] scales = weights.scales();
        int blockSize = weights.blockSize();
        int blocks = weights.blocks();
        int columnBytes = weights.bytesPerColumn();
        for (int i = 0; i < m; i++) {
            int aRow = aOffset + i * lda;
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int block = 0; block < blocks; block++) {
                    float scale = scales[j * blocks + block];
                    int zero = weights.zeroPoint(j, block);
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
}
