package com.example.quantedge.backend;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;

/** Single-precision products, the plainest way: what a vendor replaces with calls into its library. */
final class SampleFloatGemm implements FloatGemmKernel {

    /** B copied densely; a real backend packs into the layout its hardware wants. */
    private record Dense(float[] values, int rows, int columns) implements PackedMatrix {
        @Override
        public long bytes() {
            return 4L * values.length;
        }
    }

    @Override
    public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
        KernelArguments.requireDimensions(0, n, k);
        KernelArguments.requireInside("B", b.length, offset, ldb, k, n);
        float[] dense = new float[k * n];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, offset + p * ldb, dense, p * n, n);
        }
        return new Dense(dense, k, n);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                     int ldc, boolean accumulate) {
        if (!(b instanceof Dense dense)) {
            throw KernelArguments.foreignPacking("B", b, "sample Dense matrix", "sample");
        }
        KernelArguments.requireShape("B", dense.rows(), dense.columns(), k, n);
        gemm(m, n, k, a, aOffset, lda, dense.values(), 0, n, c, cOffset, ldc, accumulate);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c,
                     int cOffset, int ldc, boolean accumulate) {
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("B", b.length, bOffset, ldb, k, n);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c[cOffset + i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[aOffset + i * lda + p] * b[bOffset + p * ldb + j];
                }
                c[cOffset + i * ldc + j] = (float) sum;
            }
        }
    }
}
