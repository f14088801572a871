package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.lang.ref.Reference;

/**
 * MatMulNBits in native code. The weights stay 4-bit in native memory (MatMulNBits' own nibble
 * order, zero points unpacked to a byte per block) and each block is dequantized on the fly, once
 * per product, into vector registers shared by all rows of A.
 */
final class NativeInt4Blockwise implements BlockwiseInt4Kernel {

    private final KernelVariant variant;
    private final ParallelColumns parallel;

    NativeInt4Blockwise(KernelVariant variant, ParallelColumns parallel) {
        this.variant = variant;
        this.parallel = parallel;
    }

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        KernelArguments.requireBlockwiseInt4(quantized, scales, zeroPoints, k, n, blockSize);
        return new NativePackedMatrix(NativePackedMatrix.Kind.INT4, k, n,
                NativeKernels.packInt4(quantized, scales, zeroPoints, k, n, blockSize));
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        KernelArguments.requireDimensions(m, n, k);
        NativePackedMatrix weights = MatrixArguments.requirePacked("W", w, NativePackedMatrix.Kind.INT4, k, n);
        MatrixArguments.requireInside("A", a, a == null ? 0 : a.length, aOffset, lda, m, k);
        MatrixArguments.requireInside("C", c, c == null ? 0 : c.length, cOffset, ldc, m, n);
        if (m == 0) {
            return;
        }
        try {
            parallel.run(n, (long) m * k, (first, count) -> NativeKernels.int4Matmul(variant.id(),
                    weights.address(), m, first, first + count, a, aOffset, lda, c, cOffset, ldc));
        } finally {
            Reference.reachabilityFence(weights);
        }
    }
}
