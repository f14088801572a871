package io.quantedge.tck;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.PackedMatrix;

/** Float kernels with one mistake each. */
final class FloatFaults {

    private FloatFaults() {
    }

    /** The scalar kernel, for faults to override one method of. */
    static class Delegating implements FloatGemmKernel {

        final FloatGemmKernel scalar = FaultyBackend.scalar(FloatGemmKernel.class);

        @Override
        public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
            return scalar.pack(b, offset, ldb, k, n);
        }

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                         int ldc, boolean accumulate) {
            scalar.gemm(m, n, k, a, aOffset, lda, b, c, cOffset, ldc, accumulate);
        }

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
            scalar.gemm(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
        }
    }

    /** Packs rows N apart, whatever ldb says. */
    static final class PackIgnoresLdb extends Delegating {

        @Override
        public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
            return scalar.pack(b, offset, n, k, n);
        }
    }

    /** Computes C = 0 x C + A x B when not accumulating, as BLAS with beta = 0 must not: NaN in C survives. */
    static final class ScalesOldC extends Delegating {

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[cOffset + i * ldc + j] *= 0f;
                    }
                }
            }
            scalar.gemm(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, true);
        }
    }

    /** Computes into one scratch buffer shared by every caller, then copies it out: fine alone, wrong in parallel. */
    static final class SharesScratch extends Delegating {

        private float[] scratch = new float[0];

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                         int ldc, boolean accumulate) {
            if (scratch.length < m * n) {
                scratch = new float[m * n];
            }
            float[] shared = scratch;
            scalar.gemm(m, n, k, a, aOffset, lda, b, shared, 0, n, false);
            Thread.yield();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOffset + i * ldc + j] = (accumulate ? c[cOffset + i * ldc + j] : 0f) + shared[i * n + j];
                }
            }
        }
    }
}
