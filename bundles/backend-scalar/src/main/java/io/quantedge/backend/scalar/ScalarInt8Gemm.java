package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;

/**
 * 8-bit products computed directly as {@code sum (A - aZero) * (B - bZero[j])} in int32. Java's
 * int arithmetic wraps modulo 2^32, which is exactly the overflow ONNX allows in the accumulator,
 * so no widening is needed to be exact. The loop subtracts the zero points in every product rather
 * than using the row-sum/column-sum identity: this kernel is the oracle that faster backends, which
 * do use the identity, are checked against, so it computes the definition as written.
 */
final class ScalarInt8Gemm implements Int8GemmKernel {

    @Override
    public PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints) {
        KernelArguments.requireDimensions(0, n, k);
        KernelArguments.requireInside("B", b.length, offset, ldb, k, n);
        KernelArguments.requireZeroPoints(zeroPoints, n);
        byte[] dense = new byte[Math.multiplyExact(k, n)];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, offset + p * ldb, dense, p * n, n);
        }
        int[] columnZeroPoints = zeroPoints.length == n ? zeroPoints.clone() : filled(n, zeroPoints[0]);
        return new DenseInt8Matrix(dense, k, n, signed, columnZeroPoints);
    }

    @Override
    public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                     PackedMatrix b, int[] c, int cOffset, int ldc) {
        if (!(b instanceof DenseInt8Matrix dense)) {
            throw KernelArguments.foreignPacking("B", b, DenseInt8Matrix.class.getSimpleName(), "scalar");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("B", dense.rows(), dense.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        byte[] bValues = dense.values();
        int[] bZeroPoints = dense.columnZeroPoints();
        boolean bSigned = dense.signed();
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            Arrays.fill(c, cRow, cRow + n, 0);
            int aRow = aOffset + i * lda;
            for (int p = 0; p < k; p++) {
                int aip = value(a[aRow + p], aSigned) - aZeroPoint;
                int bRow = p * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * (value(bValues[bRow + j], bSigned) - bZeroPoints[j]);
                }
            }
        }
    }

    @Override
    public void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                           int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                           int ldOut) {
        Requantizer.requantize(m, n, acc, accOffset, ldAcc, bias, multiplier, outZeroPoint, outSigned, rounding,
                out, outOffset, ldOut);
    }

    /** The operand's integer value: a Java byte is int8; uint8 is the same bits read unsigned. */
    static int value(byte stored, boolean signed) {
        return signed ? stored : stored & 0xFF;
    }

    private static int[] filled(int length, int value) {
        int[] values = new int[length];
        Arrays.fill(values, value);
        return values;
    }
}
