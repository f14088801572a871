package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * 8-bit integer matrix products with 32-bit accumulation, and the requantization that turns the
 * accumulators back into 8-bit values. Operands are int8 or uint8 (each flagged), with zero points:
 * {@code C[i][j] = sum over p of (A[i][p] - aZero) * (B[p][j] - bZero[j])}. Accumulation wraps in
 * 32 bits, as the ONNX integer ops define. Matrices are row-major with leading dimensions. A per-row
 * A zero point (MatMulInteger allows one) is one call per row.
 */
@ConsumerType
public interface Int8GemmKernel {

    /**
     * Packs a constant K x N matrix of int8 ({@code signed}) or uint8 values with its zero points,
     * one for all columns ({@code zeroPoints.length == 1}) or one per column.
     */
    PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints);

    /** C[m x n] = (A[m x k] - aZero) x (packed B - its zero points), in int32. */
    void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint, PackedMatrix b,
              int[] c, int cOffset, int ldc);

    /**
     * Writes {@code out[i][j] = saturate(round((acc[i][j] + bias[j]) * multiplier[j]) + outZeroPoint)}:
     * {@code bias} is null or has one entry per column (added in int32), {@code multiplier} has one
     * entry or one per column, a NaN product gives {@code outZeroPoint}, the product is
     * taken in single precision (as ONNX Runtime does), rounding follows {@code rounding}, and
     * saturation is to int8 or uint8 per {@code outSigned}.
     */
    void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                    int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset, int ldOut);
}
