package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Products with 4-bit block-quantized weights (ONNX Runtime's MatMulNBits layout): weight
 * {@code W[n][p] = (q[n][p] - zero[n][p / blockSize]) * scale[n][p / blockSize]} for output column
 * n and reduction index p, with q packed two per byte, lower index in the low nibble, each output
 * column's K values in ceil(K / blockSize) blocks of blockSize / 2 bytes (the last block zero-padded).
 */
@ConsumerType
public interface BlockwiseInt4Kernel {

    /**
     * Packs the weights. {@code zeroPoints} is null for the default (8), else 4-bit values packed
     * two per byte in the same order as the scales, each column's run padded to a whole byte.
     */
    PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);

    /** C[m x n] = A[m x k] x W^T, in single precision. */
    void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                int ldc);
}
