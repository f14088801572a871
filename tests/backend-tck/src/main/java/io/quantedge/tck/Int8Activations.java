package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;

/**
 * A {@link BlockwiseInt4Int8Kernel} seen through the float kernel's interface, whose methods it
 * shares, so the kit's shape sweeps, refusals and thread-safety checks run on both. Only the
 * expected values differ, and the kit computes those itself.
 */
record Int8Activations(BlockwiseInt4Int8Kernel kernel) implements BlockwiseInt4Kernel {

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        return kernel.pack(quantized, scales, zeroPoints, k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        kernel.matmul(m, n, k, a, aOffset, lda, w, c, cOffset, ldc);
    }
}
