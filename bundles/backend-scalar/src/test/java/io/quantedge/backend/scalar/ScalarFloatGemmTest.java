package io.quantedge.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalarFloatGemmTest {

    /** Padding of A and B is NaN, so reading outside the matrix poisons the result; C's padding must survive. */
    private static final float C_PADDING = 12345f;

    private final ScalarFloatGemm kernel = new ScalarFloatGemm();

    @ParameterizedTest(name = "{0} x {1} x {2}")
    @CsvSource({"1,1,1", "1,17,9", "1,1,33", "9,1,5", "7,13,5", "5,3,1000", "16,16,16", "2,64,3"})
    void matchesADoublePrecisionProductWithOffsetsAndStrides(int m, int n, int k) {
        Random random = new Random(31L * m + 7L * n + k);
        for (boolean accumulate : new boolean[] {false, true}) {
            Operands x = Operands.random(random, m, n, k);
            float[] cUnpacked = x.c.clone();
            kernel.gemm(m, n, k, x.a, x.aOffset, x.lda, x.b, x.bOffset, x.ldb, cUnpacked, x.cOffset, x.ldc,
                    accumulate);
            x.assertMatchesReference(cUnpacked, accumulate);

            float[] cPacked = x.c.clone();
            PackedMatrix packed = kernel.pack(x.b, x.bOffset, x.ldb, k, n);
            kernel.gemm(m, n, k, x.a, x.aOffset, x.lda, packed, cPacked, x.cOffset, x.ldc, accumulate);
            assertArrayEquals(cUnpacked, cPacked, "packed and unpacked B must give the same bits");
        }
    }

    @Test
    void withoutAccumulateWhateverCHeldIsOverwritten() {
        float[] a = {1, 2};
        float[] b = {3, 4};
        float[] c = {Float.NaN};
        kernel.gemm(1, 1, 2, a, 0, 2, b, 0, 1, c, 0, 1, false);
        assertEquals(11f, c[0]);
    }

    @Test
    void accumulateAddsToC() {
        float[] c = {100f};
        kernel.gemm(1, 1, 2, new float[] {1, 2}, 0, 2, new float[] {3, 4}, 0, 1, c, 0, 1, true);
        assertEquals(111f, c[0]);
    }

    @Test
    void anEmptyReductionGivesZerosOrLeavesCAlone() {
        float[] c = {5f, 6f};
        kernel.gemm(1, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertArrayEquals(new float[] {5f, 6f}, c);
        kernel.gemm(1, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[] {0f, 0f}, c);
    }

    @Test
    void packingCopiesBDenselyAndReportsItsSize() {
        float[] b = {1, 2, 3, -1, 4, 5, 6, -1};
        PackedMatrix packed = kernel.pack(b, 0, 4, 2, 3);
        Arrays.fill(b, 0f);
        assertEquals(2, packed.rows());
        assertEquals(3, packed.columns());
        assertEquals(4L * 2 * 3, packed.bytes());
        float[] c = new float[3];
        kernel.gemm(1, 3, 2, new float[] {1, 10}, 0, 2, packed, c, 0, 3, false);
        assertArrayEquals(new float[] {41, 52, 63}, c);
    }

    @Test
    void operandsThatDoNotFitAreRejectedBeforeAnythingIsWritten() {
        float[] c = {7f, 7f, 7f, 7f};
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new float[3], 0, 2, new float[4], 0, 2, c, 0, 2, false));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new float[4], 0, 1, new float[4], 0, 2, c, 0, 2, false));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new float[4], 0, 2, new float[4], 0, 2, c, 1, 2, false));
        assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, c);
    }

    @Test
    void aMatrixPackedForAnotherShapeOrByAnotherKernelIsRejected() {
        PackedMatrix twoByThree = kernel.pack(new float[6], 0, 3, 2, 3);
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 2, 3, new float[3], 0, 3, twoByThree, new float[2], 0, 2, false));
        PackedMatrix foreign = new ScalarInt8Gemm().pack(new byte[6], 0, 3, 2, 3, true, new int[] {0});
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 3, 2, new float[2], 0, 2, foreign, new float[3], 0, 3, false));
    }

    /** A product's operands placed at offsets in larger arrays, with leading dimensions wider than the rows. */
    private record Operands(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                            float[] c, int cOffset, int ldc) {

        static Operands random(Random random, int m, int n, int k) {
            int aOffset = 3;
            int lda = k + 2;
            int bOffset = 5;
            int ldb = n + 3;
            int cOffset = 7;
            int ldc = n + 4;
            float[] a = padded(aOffset, lda, m, k, Float.NaN);
            float[] b = padded(bOffset, ldb, k, n, Float.NaN);
            float[] c = padded(cOffset, ldc, m, n, C_PADDING);
            fill(random, a, aOffset, lda, m, k);
            fill(random, b, bOffset, ldb, k, n);
            fill(random, c, cOffset, ldc, m, n);
            return new Operands(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        }

        void assertMatchesReference(float[] result, boolean accumulate) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double initial = accumulate ? c[cOffset + i * ldc + j] : 0;
                    double exact = initial;
                    double magnitude = Math.abs(initial);
                    for (int p = 0; p < k; p++) {
                        double product = (double) a[aOffset + i * lda + p] * b[bOffset + p * ldb + j];
                        exact += product;
                        magnitude += Math.abs(product);
                    }
                    float actual = result[cOffset + i * ldc + j];
                    // Relative to the sum of magnitudes: cancellation can make the sum itself tiny.
                    if (Math.abs(actual - exact) > 1e-5 * magnitude + Float.MIN_NORMAL) {
                        fail("C[" + i + "][" + j + "] = " + actual + ", expected " + exact);
                    }
                }
            }
            for (int index = 0; index < result.length; index++) {
                int inMatrix = index - cOffset;
                boolean padding = inMatrix < 0 || inMatrix >= m * ldc || inMatrix % ldc >= n;
                if (padding) {
                    assertEquals(C_PADDING, result[index], "padding of C at " + index + " was written");
                }
            }
        }

        private static float[] padded(int offset, int ld, int rows, int columns, float padding) {
            float[] values = new float[offset + rows * ld + 2];
            Arrays.fill(values, padding);
            return values;
        }

        private static void fill(Random random, float[] values, int offset, int ld, int rows, int columns) {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < columns; col++) {
                    values[offset + r * ld + col] = random.nextFloat() * 2 - 1;
                }
            }
        }
    }
}
