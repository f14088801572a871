package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;

/**
 * MatMulNBits with int8 activations in native code: the weights stay 4-bit (each column padded to
 * 128-value chunks), each call quantizes the rows of A once, and the variant's dot-product
 * instructions (vpdpbusd, sdot, pmaddubsw) sum the nibbles against them, so a matrix-vector
 * product moves half the bytes of an int8 one.
 */
final class NativeInt4Int8Blockwise extends NativeBlockwiseProduct implements BlockwiseInt4Int8Kernel {

    NativeInt4Int8Blockwise(KernelVariant variant, ParallelColumns parallel) {
        super(variant, parallel, NativePackedMatrix.Kind.INT4_INT8);
    }

    @Override
    long packNative(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        return NativeKernels.packInt4Int8(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    void matmulNative(int variant, long matrix, int m, int j0, int j1, float[] a, int aOffset, int lda, float[] c,
                      int cOffset, int ldc) {
        NativeKernels.int4Int8Matmul(variant, matrix, m, j0, j1, a, aOffset, lda, c, cOffset, ldc);
    }
}
