package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * Int8 products in native code: weights packed once into 4-row x 16-column byte groups (the shape
 * vpdpbusd and sdot consume), products in wrapping int32 exactly as the definition, zero points
 * folded in afterwards with row and column sums (see int8_gemm.c for why that is bit-exact).
 */
final class NativeInt8Gemm implements Int8GemmKernel {

    private static final int PANEL = 16;

    private final KernelVariant variant;
    private final ParallelColumns parallel;

    NativeInt8Gemm(KernelVariant variant, ParallelColumns parallel) {
        this.variant = variant;
        this.parallel = parallel;
    }

    @Override
    public PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints) {
        KernelArguments.requireDimensions(0, n, k);
        MatrixArguments.requireInside("B", b, b == null ? 0 : b.length, offset, ldb, k, n);
        if (zeroPoints == null) { // refused before it could reach native code, as before the shared check
            throw new IllegalArgumentException("B has " + n + " columns but no zero points: give one for all columns"
                    + " or one per column");
        }
        KernelArguments.requireZeroPoints(zeroPoints, n);
        return new NativePackedMatrix(NativePackedMatrix.Kind.INT8, k, n,
                NativeKernels.packInt8(b, offset, ldb, k, n, signed, zeroPoints));
    }

    @Override
    public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                     PackedMatrix b, int[] c, int cOffset, int ldc) {
        KernelArguments.requireDimensions(m, n, k);
        NativePackedMatrix weights = MatrixArguments.requirePacked("B", b, NativePackedMatrix.Kind.INT8, k, n);
        MatrixArguments.requireInside("A", a, a == null ? 0 : a.length, aOffset, lda, m, k);
        MatrixArguments.requireInside("C", c, c == null ? 0 : c.length, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        int panels = (n + PANEL - 1) / PANEL;
        try {
            parallel.run(panels, (long) m * k * PANEL, (first, count) -> NativeKernels.int8Gemm(variant.id(),
                    weights.address(), m, first, count, a, aOffset, lda, aSigned, aZeroPoint, c, cOffset, ldc));
        } finally {
            Reference.reachabilityFence(weights);
        }
    }

    @Override
    public void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                           int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                           int ldOut) {
        Objects.requireNonNull(rounding, "rounding");
        KernelArguments.requireDimensions(m, n, 0);
        MatrixArguments.requireInside("acc", acc, acc == null ? 0 : acc.length, accOffset, ldAcc, m, n);
        MatrixArguments.requireInside("out", out, out == null ? 0 : out.length, outOffset, ldOut, m, n);
        if (multiplier == null) { // refused before it could reach native code, as before the shared check
            throw new IllegalArgumentException(n + " columns but no multipliers: give one for all columns or one per"
                    + " column");
        }
        KernelArguments.requireRequantization(multiplier, bias, n);
        NativeKernels.requantize(m, n, acc, accOffset, ldAcc, bias, multiplier, outZeroPoint, outSigned,
                rounding == Rounding.HALF_TO_EVEN, out, outOffset, ldOut);
    }
}
