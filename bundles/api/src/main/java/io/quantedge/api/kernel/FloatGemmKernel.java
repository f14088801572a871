package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Single-precision matrix products, {@code C = A x B} or {@code C += A x B}. Matrices are
 * row-major in flat arrays with an offset and a leading dimension (the stride between rows).
 * Implementations are stateless and may be called from many threads at once.
 */
@ConsumerType
public interface FloatGemmKernel {

    /** Packs a constant K x N matrix {@code b} for repeated products. */
    PackedMatrix pack(float[] b, int offset, int ldb, int k, int n);

    /** C[m x n] (+)= A[m x k] x packed B[k x n]. */
    void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
              int ldc, boolean accumulate);

    /** C[m x n] (+)= A[m x k] x B[k x n], B not packed (an activation). */
    void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float[] c,
              int cOffset, int ldc, boolean accumulate);
}
