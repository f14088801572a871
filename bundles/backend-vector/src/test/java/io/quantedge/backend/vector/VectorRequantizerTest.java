package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class VectorRequantizerTest {

    private static final byte OUT_PADDING = 0x5A;

    private final Int8GemmKernel kernel = new VectorInt8Gemm();

    @ParameterizedTest
    @EnumSource(Rounding.class)
    void everyTieRoundsLikeTheReference(Rounding rounding) {
        // acc * 0.5 and acc * 0.25 hit every .5 tie (and .25/.75) from -300 to 300, negative ties included.
        int n = 1201;
        int[] acc = new int[n];
        for (int j = 0; j < n; j++) {
            acc[j] = j - 600;
        }
        for (float multiplier : new float[] {0.5f, 0.25f, 1f, 0.49999997f, 0.50000006f, 1.5f}) {
            for (int zeroPoint : new int[] {0, 128, -128, 3, -7, 255, 2_000_000, -3_000_000}) {
                for (boolean outSigned : new boolean[] {false, true}) {
                    assertSameAsReference(1, n, acc, null, new float[] {multiplier}, zeroPoint, outSigned, rounding,
                            multiplier + " zero point " + zeroPoint);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rounding.class)
    void valuesJustBesideHalvesAndLargeValuesRoundLikeTheReference(Rounding rounding) {
        float[] scaled = {0.49999997f, -0.49999997f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 8388607.5f, 8388609f,
            0x1p22f + 0.5f, -0x1p22f - 0.5f, 0x1p23f, 1e10f, -1e10f, 126.5f, 127.5f, -128.5f, 255.5f, -0.0f, 0f,
            Float.MIN_VALUE, -Float.MIN_VALUE, 3e38f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        // The multiplier carries the value (acc 1): every lane, and the tail, sees each value.
        int n = scaled.length;
        int[] acc = new int[n];
        Arrays.fill(acc, 1);
        for (int zeroPoint : new int[] {0, 100, -100, 1 << 21, -(1 << 21), Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            for (boolean outSigned : new boolean[] {false, true}) {
                assertSameAsReference(1, n, acc, null, scaled, zeroPoint, outSigned, rounding, "zero point " + zeroPoint);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rounding.class)
    void randomMatricesWithBiasesAndMultipliersMatchTheReference(Rounding rounding) {
        SplittableRandom random = new SplittableRandom(rounding.ordinal() + 11L);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + random.nextInt(5);
            int n = 1 + random.nextInt(70);
            int ld = n + random.nextInt(3);
            int[] acc = new int[m * ld];
            for (int index = 0; index < acc.length; index++) {
                acc[index] = trial % 3 == 0 ? random.nextInt() : random.nextInt(-100_000, 100_000);
            }
            int[] bias = random.nextBoolean() ? null : random.ints(n, -50_000, 50_000).toArray();
            float[] multiplier = new float[random.nextBoolean() ? 1 : n];
            for (int j = 0; j < multiplier.length; j++) {
                multiplier[j] = (float) Math.scalb(random.nextDouble(), -random.nextInt(16));
            }
            assertSameAsReference(m, n, acc, bias, multiplier, random.nextInt(-20, 276), random.nextBoolean(),
                    rounding, "trial " + trial);
        }
    }

    @Test
    void biasAdditionWrapsLikeTheReference() {
        int[] acc = new int[40];
        Arrays.fill(acc, Integer.MAX_VALUE);
        int[] bias = new int[40];
        Arrays.fill(bias, 1);
        assertSameAsReference(1, 40, acc, bias, new float[] {1e-9f}, 5, true, Rounding.HALF_TO_EVEN, "wrap");
    }

    @Test
    void mismatchedMultipliersAndBiasesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(1, 3, new int[3], 0, 3, null,
                new float[2], 0, true, Rounding.HALF_TO_EVEN, new byte[3], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(1, 3, new int[3], 0, 3, new int[2],
                new float[1], 0, true, Rounding.HALF_TO_EVEN, new byte[3], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(2, 3, new int[3], 0, 3, null,
                new float[1], 0, true, Rounding.HALF_TO_EVEN, new byte[6], 0, 3));
    }

    private void assertSameAsReference(int m, int n, int[] acc, int[] bias, float[] multiplier, int zeroPoint,
                                       boolean outSigned, Rounding rounding, String what) {
        int ldAcc = acc.length / m;
        int outOffset = 3;
        int ldOut = n + 1;
        byte[] expected = new byte[outOffset + m * ldOut + 2];
        Arrays.fill(expected, OUT_PADDING);
        byte[] actual = expected.clone();
        ReferenceKernels.INT8.requantize(m, n, acc, 0, ldAcc, bias, multiplier, zeroPoint, outSigned, rounding,
                expected, outOffset, ldOut);
        kernel.requantize(m, n, acc, 0, ldAcc, bias, multiplier, zeroPoint, outSigned, rounding, actual, outOffset,
                ldOut);
        assertArrayEquals(expected, actual, what + (outSigned ? ", int8 out" : ", uint8 out"));
    }
}
