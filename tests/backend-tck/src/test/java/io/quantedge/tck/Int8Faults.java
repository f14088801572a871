package io.quantedge.tck;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;

/** Integer kernels with one mistake each, of the kinds fast kernels are prone to. */
final class Int8Faults {

    private Int8Faults() {
    }

    /** The scalar kernel, for faults to override one method of. */
    static class Delegating implements Int8GemmKernel {

        final Int8GemmKernel scalar = FaultyBackend.scalar(Int8GemmKernel.class);

        @Override
        public PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints) {
            return scalar.pack(b, offset, ldb, k, n, signed, zeroPoints);
        }

        @Override
        public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                         PackedMatrix b, int[] c, int cOffset, int ldc) {
            scalar.gemm(m, n, k, a, aOffset, lda, aSigned, aZeroPoint, b, c, cOffset, ldc);
        }

        @Override
        public void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                               int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                               int ldOut) {
            scalar.requantize(m, n, acc, accOffset, ldAcc, bias, multiplier, outZeroPoint, outSigned, rounding, out,
                    outOffset, ldOut);
        }
    }

    /** Rounds every tie up (Math.round), whatever the mode says: right for neither mode on negative ties. */
    static final class TiesRoundUp extends Delegating {

        @Override
        public void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                               int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                               int ldOut) {
            scalar.requantize(m, n, acc, accOffset, ldAcc, bias, multiplier, outZeroPoint, outSigned, rounding, out,
                    outOffset, ldOut);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int sum = acc[accOffset + i * ldAcc + j] + (bias == null ? 0 : bias[j]);
                    float scaled = sum * multiplier[multiplier.length == 1 ? 0 : j];
                    if (scaled - (float) Math.floor(scaled) == 0.5f) {
                        long value = (long) Math.round(scaled) + outZeroPoint;
                        out[outOffset + i * ldOut + j] = (byte) Math.max(outSigned ? -128 : 0,
                                Math.min(outSigned ? 127 : 255, value));
                    }
                }
            }
        }
    }

    /** Steps through A by K, not by its leading dimension. */
    static final class IgnoresLda extends Delegating {

        @Override
        public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                         PackedMatrix b, int[] c, int cOffset, int ldc) {
            scalar.gemm(m, n, k, a, aOffset, k, aSigned, aZeroPoint, b, c, cOffset, ldc);
        }
    }

    /** Leaves out the last element of each row of A when K is not a multiple of 16: an off-by-one tail loop. */
    static final class DropsTheTail extends Delegating {

        @Override
        public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                         PackedMatrix b, int[] c, int cOffset, int ldc) {
            byte[] copy = a.clone();
            if (k % 16 != 0) {
                for (int i = 0; i < m; i++) {
                    copy[aOffset + i * lda + k - 1] = (byte) aZeroPoint; // contributes nothing
                }
            }
            scalar.gemm(m, n, k, copy, aOffset, lda, aSigned, aZeroPoint, b, c, cOffset, ldc);
        }
    }

    /**
     * Adds raw products in pairs saturated to int16, then corrects for the zero points with row and
     * column sums: the pmaddubsw trap, exact except when a pair of large products overflows.
     */
    static final class SaturatesPairSums extends Delegating {

        /** The scalar's packed matrix, with the dense copy of B this kernel reads. */
        private record Packed(PackedMatrix scalar, byte[] b, boolean signed, int[] zeroPoints) implements PackedMatrix {

            @Override
            public int rows() {
                return scalar.rows();
            }

            @Override
            public int columns() {
                return scalar.columns();
            }

            @Override
            public long bytes() {
                return scalar.bytes();
            }
        }

        @Override
        public PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints) {
            PackedMatrix packed = scalar.pack(b, offset, ldb, k, n, signed, zeroPoints);
            byte[] dense = new byte[k * n];
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, offset + p * ldb, dense, p * n, n);
            }
            int[] columnZeroPoints = new int[n];
            for (int j = 0; j < n; j++) {
                columnZeroPoints[j] = zeroPoints[zeroPoints.length == 1 ? 0 : j];
            }
            return new Packed(packed, dense, signed, columnZeroPoints);
        }

        @Override
        public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                         PackedMatrix b, int[] c, int cOffset, int ldc) {
            Packed packed = (Packed) b;
            scalar.gemm(m, n, k, a, aOffset, lda, aSigned, aZeroPoint, packed.scalar(), c, cOffset, ldc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int products = 0;
                    int aSum = 0;
                    int bSum = 0;
                    for (int p = 0; p < k; p += 2) {
                        int pair = product(a, aOffset + i * lda + p, aSigned, packed, p * n + j);
                        if (p + 1 < k) {
                            pair += product(a, aOffset + i * lda + p + 1, aSigned, packed, (p + 1) * n + j);
                        }
                        products += Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, pair));
                    }
                    for (int p = 0; p < k; p++) {
                        aSum += value(a[aOffset + i * lda + p], aSigned);
                        bSum += value(packed.b()[p * n + j], packed.signed());
                    }
                    c[cOffset + i * ldc + j] = products - packed.zeroPoints()[j] * aSum - aZeroPoint * bSum
                            + k * aZeroPoint * packed.zeroPoints()[j];
                }
            }
        }

        private static int product(byte[] a, int aIndex, boolean aSigned, Packed b, int bIndex) {
            return value(a[aIndex], aSigned) * value(b.b()[bIndex], b.signed());
        }

        private static int value(byte stored, boolean signed) {
            return signed ? stored : stored & 0xFF;
        }
    }

    /** Checks nothing: runs off its arrays with ArrayIndexOutOfBoundsException, after writing part of C. */
    static final class ChecksNothing extends Delegating {

        @Override
        public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                         PackedMatrix b, int[] c, int cOffset, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOffset + i * ldc + j] = a[aOffset + i * lda + k - 1];
                }
            }
            scalar.gemm(m, n, k, a, aOffset, lda, aSigned, aZeroPoint, b, c, cOffset, ldc);
        }
    }
}
