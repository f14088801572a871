package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorFloatGemmTest {

    /** A and B padding is NaN, so a read outside the matrices poisons the result; C padding must survive. */
    private static final float C_PADDING = 12345f;

    private final FloatGemmKernel kernel = new VectorFloatGemm();

    @ParameterizedTest(name = "{0} x {1} x {2}")
    @CsvSource({"1,1,1", "1,17,9", "1,1,33", "9,1,5", "7,13,5", "5,3,1000", "16,16,16", "2,64,3", "4,32,7",
        "5,33,64", "8,65,129", "3,100,2", "13,31,300", "1,512,1000"})
    void packedAndUnpackedProductsAreWithinFloatToleranceOfTheExactOne(int m, int n, int k) {
        Random random = new Random(31L * m + 7L * n + k);
        for (boolean accumulate : new boolean[] {false, true}) {
            Operands x = Operands.random(random, m, n, k);
            float[] unpacked = x.c.clone();
            kernel.gemm(m, n, k, x.a, x.aOffset, x.lda, x.b, x.bOffset, x.ldb, unpacked, x.cOffset, x.ldc, accumulate);
            x.assertNearExact(unpacked, accumulate, "unpacked");
            float[] packed = x.c.clone();
            kernel.gemm(m, n, k, x.a, x.aOffset, x.lda, kernel.pack(x.b, x.bOffset, x.ldb, k, n), packed, x.cOffset,
                    x.ldc, accumulate);
            x.assertNearExact(packed, accumulate, "packed");
        }
    }

    @Test
    void withoutAccumulateCIsOverwrittenAndWithItAddedTo() {
        float[] c = {Float.NaN};
        kernel.gemm(1, 1, 2, new float[] {1, 2}, 0, 2, new float[] {3, 4}, 0, 1, c, 0, 1, false);
        assertEquals(11f, c[0]);
        kernel.gemm(1, 1, 2, new float[] {1, 2}, 0, 2, kernel.pack(new float[] {3, 4}, 0, 1, 2, 1), c, 0, 1, true);
        assertEquals(22f, c[0]);
    }

    @Test
    void anEmptyReductionGivesZerosOrLeavesCAlone() {
        float[] c = new float[40];
        Arrays.fill(c, 5f);
        kernel.gemm(1, 40, 0, new float[0], 0, 0, new float[0], 0, 40, c, 0, 40, true);
        assertEquals(5f, c[39]);
        kernel.gemm(1, 40, 0, new float[0], 0, 0, kernel.pack(new float[0], 0, 40, 0, 40), c, 0, 40, false);
        assertArrayEquals(new float[40], c);
    }

    @Test
    void badOperandsAreRejected() {
        float[] c = {7f, 7f, 7f, 7f};
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new float[3], 0, 2, new float[4], 0, 2, c, 0, 2, false));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 2, 3, new float[3], 0, 3, kernel.pack(new float[6], 0, 3, 2, 3), c, 0, 2, false));
        assertThrows(IllegalArgumentException.class, () -> kernel.gemm(1, 2, 2, new float[2], 0, 2,
                ReferenceKernels.FLOAT.pack(new float[4], 0, 2, 2, 2), c, 0, 2, false));
        assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, c);
    }

    private record Operands(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                            float[] c, int cOffset, int ldc) {

        static Operands random(Random random, int m, int n, int k) {
            int aOffset = 3;
            int lda = k + 2;
            int bOffset = 5;
            int ldb = n + 3;
            int cOffset = 7;
            int ldc = n + 4;
            float[] a = filled(aOffset + m * lda + 2, Float.NaN);
            float[] b = filled(bOffset + k * ldb + 2, Float.NaN);
            float[] c = filled(cOffset + m * ldc + 2, C_PADDING);
            randomize(random, a, aOffset, lda, m, k);
            randomize(random, b, bOffset, ldb, k, n);
            randomize(random, c, cOffset, ldc, m, n);
            return new Operands(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        }

        void assertNearExact(float[] result, boolean accumulate, String form) {
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
                    // Relative to the sum of magnitudes, as float summation error is.
                    if (!(Math.abs(actual - exact) <= 1e-5 * magnitude + Float.MIN_NORMAL)) {
                        fail(form + " C[" + i + "][" + j + "] = " + actual + ", expected " + exact);
                    }
                }
            }
            for (int index = 0; index < result.length; index++) {
                int inMatrix = index - cOffset;
                if (inMatrix < 0 || inMatrix >= m * ldc || inMatrix % ldc >= n) {
                    assertEquals(C_PADDING, result[index], form + ": padding of C at " + index + " was written");
                }
            }
        }

        private static float[] filled(int length, float value) {
            float[] values = new float[length];
            Arrays.fill(values, value);
            return values;
        }

        private static void randomize(Random random, float[] values, int offset, int ld, int rows, int columns) {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < columns; col++) {
                    values[offset + r * ld + col] = random.nextFloat() * 2 - 1;
                }
            }
        }
    }
}
