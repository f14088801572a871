package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.lang.ref.Reference;

/**
 * Single-precision products in native code with FMA: B in 16-column panels, 4 x 32 register tiles.
 * An unpacked B (an activation) is packed for the one call and freed right after it.
 */
final class NativeFloatGemm implements FloatGemmKernel {

    private static final int PANEL = 16;

    private final KernelVariant variant;
    private final ParallelColumns parallel;

    NativeFloatGemm(KernelVariant variant, ParallelColumns parallel) {
        this.variant = variant;
        this.parallel = parallel;
    }

    @Override
    public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
        KernelArguments.requireDimensions(0, n, k);
        MatrixArguments.requireInside("B", b, b == null ? 0 : b.length, offset, ldb, k, n);
        return new NativePackedMatrix(NativePackedMatrix.Kind.FLOAT, k, n,
                NativeKernels.packFloat(b, offset, ldb, k, n));
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                     int ldc, boolean accumulate) {
        KernelArguments.requireDimensions(m, n, k);
        NativePackedMatrix weights = MatrixArguments.requirePacked("B", b, NativePackedMatrix.Kind.FLOAT, k, n);
        MatrixArguments.requireInside("A", a, a == null ? 0 : a.length, aOffset, lda, m, k);
        MatrixArguments.requireInside("C", c, c == null ? 0 : c.length, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        int panels = (n + PANEL - 1) / PANEL;
        try {
            parallel.run(panels, (long) m * k * PANEL, (first, count) -> NativeKernels.floatGemm(variant.id(),
                    weights.address(), m, first, count, a, aOffset, lda, c, cOffset, ldc, accumulate));
        } finally {
            Reference.reachabilityFence(weights);
        }
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float[] c, int cOffset, int ldc, boolean accumulate) {
        KernelArguments.requireDimensions(m, n, k);
        MatrixArguments.requireInside("B", b, b == null ? 0 : b.length, bOffset, ldb, k, n);
        NativePackedMatrix packed = (NativePackedMatrix) pack(b, bOffset, ldb, k, n);
        try {
            gemm(m, n, k, a, aOffset, lda, packed, c, cOffset, ldc, accumulate);
        } finally {
            packed.releaseNow();
        }
    }
}
