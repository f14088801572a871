package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.PackedMatrix;

/**
 * MatMulNBits with activations quantized to int8 per block, written as the contract reads: one row
 * of A is quantized into this thread's workspace, then every column's blocks are summed in int32
 * and added up in increasing block order.
 */
final class ScalarInt4Int8Blockwise implements BlockwiseInt4Int8Kernel {

    /** Per thread: the quantized row ([0]) and its block scales ([1]), grown to the largest K seen. */
    private static final ThreadLocal<Object[]> ROW = ThreadLocal.withInitial(() -> new Object[] {new byte[0],
            new float[0]});

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        return BlockwiseInt4Matrix.copyOf(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        BlockwiseInt4Matrix weights = BlockwiseInt4Matrix.requireOperands(w, m, n, k, a, aOffset, lda, c, cOffset,
                ldc);
        int blockSize = weights.blockSize();
        int blocks = weights.blocks();
        Object[] row = ROW.get();
        if (((byte[]) row[0]).length < k || ((float[]) row[1]).length < blocks) {
            row[0] = new byte[k];
            row[1] = new float[blocks];
        }
        byte[] qa = (byte[]) row[0];
        float[] aScales = (float[]) row[1];
        byte[] quantized = weights.quantized();
        float[] scales = weights.scales();
        int columnBytes = weights.bytesPerColumn();
        for (int i = 0; i < m; i++) {
            quantizeRow(a, aOffset + i * lda, k, blockSize, qa, aScales);
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int block = 0; block < blocks; block++) {
                    int zero = weights.zeroPoint(j, block);
                    int blockStart = j * columnBytes + block * blockSize / 2;
                    int first = block * blockSize;
                    int length = Math.min(blockSize, k - first);
                    int dot = 0;
                    for (int r = 0; r < length; r++) {
                        dot += (BlockwiseInt4Matrix.nibble(quantized, blockStart, r) - zero) * qa[first + r];
                    }
                    sum += (scales[j * blocks + block] * aScales[block]) * dot;
                }
                c[cOffset + i * ldc + j] = sum;
            }
        }
    }

    /** Quantizes one row of A per block, symmetric to [-127, 127], as the contract defines. */
    static void quantizeRow(float[] a, int offset, int k, int blockSize, byte[] qa, float[] aScales) {
        for (int first = 0, block = 0; first < k; first += blockSize, block++) {
            int end = Math.min(k, first + blockSize);
            float amax = 0f;
            for (int p = first; p < end; p++) {
                amax = Math.max(amax, Math.abs(a[offset + p]));
            }
            float scale = amax / 127f;
            float inverse = scale == 0f ? 0f : 1f / scale;
            aScales[block] = scale;
            for (int p = first; p < end; p++) {
                float q = (float) Math.rint(a[offset + p] * inverse);
                qa[p] = (byte) Math.max(-127f, Math.min(127f, q));
            }
        }
    }
}
