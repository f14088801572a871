package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Products with 4-bit block-quantized weights computed on integer units, as ONNX Runtime does for
 * MatMulNBits with {@code accuracy_level = 4}: each row of A is quantized to int8 per block of K,
 * each block's product is summed exactly in int32, and the blocks are combined in single precision.
 * It moves half the bytes of an int8 product and runs on the same dot-product instructions, which
 * is why 4-bit weights can beat 8-bit ones on a memory-bound matrix-vector product.
 *
 * <p>For row i and block b (the K indices {@code [b * blockSize, min(K, (b + 1) * blockSize))}):
 * <pre>
 *   amax        = max over p in b of |A[i][p]|
 *   aScale[i][b] = amax / 127,  qa[i][p] = clamp(rint(A[i][p] * (1 / aScale[i][b])), -127, 127)   (0 when amax is 0)
 *   C[i][j]     = sum over b of (wScale[j][b] * aScale[i][b]) * sum over p in b of (q[j][p] - zero[j][b]) * qa[i][p]
 * </pre>
 * with every quotient and product in single precision and {@code rint} rounding half to even; the
 * weights are laid out as for {@link BlockwiseInt4Kernel}. The integer block sums are exact; blocks
 * may be added in any order, so backends agree with the reference within float rounding. A must be
 * finite (a block holding NaN or an infinity gives unspecified values in its row).
 */
@ConsumerType
public interface BlockwiseInt4Int8Kernel {

    /** Packs the weights; arguments as for {@link BlockwiseInt4Kernel#pack}. */
    PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);

    /** C[m x n] = quantize(A[m x k]) x W^T, as defined above. */
    void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                int ldc);
}
