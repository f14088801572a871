package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;

/**
 * Float products as a plain loop in i-p-j order: the innermost loop walks one row of B and one
 * row of C, both contiguous, so it streams memory without a packed layout. Each C[i][j] still sums
 * its products in increasing p, in single precision, so results are reproducible run to run.
 */
final class ScalarFloatGemm implements FloatGemmKernel {

    /**
     * One row of double-precision sums per thread, reused: the reference sums in double so it is
     * as exact as float inputs allow, and never allocates on the hot path.
     */
    private static final ThreadLocal<double[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new double[0]);

    @Override
    public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
        KernelArguments.requireDimensions(0, n, k);
        KernelArguments.requireInside("B", b.length, offset, ldb, k, n);
        float[] dense = new float[Math.multiplyExact(k, n)];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, offset + p * ldb, dense, p * n, n);
        }
        return new DenseFloatMatrix(dense, k, n);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                     int ldc, boolean accumulate) {
        if (!(b instanceof DenseFloatMatrix dense)) {
            throw KernelArguments.foreignPacking("B", b, DenseFloatMatrix.class.getSimpleName(), "scalar");
        }
        KernelArguments.requireShape("B", dense.rows(), dense.columns(), k, n);
        gemm(m, n, k, a, aOffset, lda, dense.values(), 0, n, c, cOffset, ldc, accumulate);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float[] c, int cOffset, int ldc, boolean accumulate) {
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("B", b.length, bOffset, ldb, k, n);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        double[] row = ACCUMULATORS.get();
        if (row.length < n) {
            row = new double[n];
            ACCUMULATORS.set(row);
        }
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            int aRow = aOffset + i * lda;
            for (int j = 0; j < n; j++) {
                row[j] = accumulate ? c[cRow + j] : 0.0;
            }
            // Rows of B in order: contiguous reads; each sum still adds over p in increasing order.
            for (int p = 0; p < k; p++) {
                double aip = a[aRow + p];
                int bRow = bOffset + p * ldb;
                for (int j = 0; j < n; j++) {
                    row[j] += aip * b[bRow + j];
                }
            }
            for (int j = 0; j < n; j++) {
                c[cRow + j] = (float) row[j];
            }
        }
    }
}
