package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;

/**
 * MatMulNBits in native code. The weights stay 4-bit in native memory (MatMulNBits' own nibble
 * order, zero points unpacked to a byte per block) and each block is dequantized on the fly, once
 * per product, into vector registers shared by all rows of A.
 */
final class NativeInt4Blockwise extends NativeBlockwiseProduct implements BlockwiseInt4Kernel {

    NativeInt4Blockwise(KernelVariant variant, ParallelColumns parallel) {
        super(variant, parallel, NativePackedMatrix.Kind.INT4);
    }

    @Override
    long packNative(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        return NativeKernels.packInt4(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    void matmulNative(int variant, long matrix, int m, int j0, int j1, float[] a, int aOffset, int lda, float[] c,
                      int cOffset, int ldc) {
        NativeKernels.int4Matmul(variant, matrix, m, j0, j1, a, aOffset, lda, c, cOffset, ldc);
    }
}
