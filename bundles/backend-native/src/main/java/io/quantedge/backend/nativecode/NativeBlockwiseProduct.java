package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.lang.ref.Reference;

/**
 * What the two MatMulNBits kernels share: the checks, the packing call and the split of columns
 * over threads. Subclasses name their packed kind and their two native entry points.
 */
abstract class NativeBlockwiseProduct {

    private final KernelVariant variant;
    private final ParallelColumns parallel;
    private final NativePackedMatrix.Kind kind;

    NativeBlockwiseProduct(KernelVariant variant, ParallelColumns parallel, NativePackedMatrix.Kind kind) {
        this.variant = variant;
        this.parallel = parallel;
        this.kind = kind;
    }

    /** The native pack; returns the packed matrix's address. */
    abstract long packNative(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);

    /** The native product for columns [j0, j1). */
    abstract void matmulNative(int variant, long matrix, int m, int j0, int j1, float[] a, int aOffset, int lda,
                               float[] c, int cOffset, int ldc);

    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        KernelArguments.requireBlockwiseInt4(quantized, scales, zeroPoints, k, n, blockSize);
        return new NativePackedMatrix(kind, k, n, packNative(quantized, scales, zeroPoints, k, n, blockSize));
    }

    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        KernelArguments.requireDimensions(m, n, k);
        NativePackedMatrix weights = MatrixArguments.requirePacked("W", w, kind, k, n);
        MatrixArguments.requireInside("A", a, a == null ? 0 : a.length, aOffset, lda, m, k);
        MatrixArguments.requireInside("C", c, c == null ? 0 : c.length, cOffset, ldc, m, n);
        if (m == 0) {
            return;
        }
        try {
            parallel.run(n, (long) m * k, (first, count) -> matmulNative(variant.id(), weights.address(), m, first,
                    first + count, a, aOffset, lda, c, cOffset, ldc));
        } finally {
            Reference.reachabilityFence(weights);
        }
    }
}
