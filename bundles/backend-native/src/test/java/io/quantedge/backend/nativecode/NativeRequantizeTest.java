package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.Rounding;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Requantization equals the scalar reference bit for bit, ties and saturation included. */
class NativeRequantizeTest {

    private static final Int8GemmKernel REFERENCE = new ScalarBackend().kernel(Int8GemmKernel.class).orElseThrow();

    private final Int8GemmKernel kernel = new NativeBackend(KernelVariant.PORTABLE, 1).kernel(Int8GemmKernel.class)
            .orElseThrow();

    @Test
    void tiesRoundAsTheReferenceInBothModes() {
        // acc * 0.5 lands on every .5 between -20.5 and 20.5; 0.25 and 0.125 on other exact ties.
        int[] acc = new int[164];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = i - acc.length / 2;
        }
        for (float multiplier : new float[] {0.5f, 0.25f, 0.125f, 1.5f, -0.5f, 0.49999997f, 0.50000006f}) {
            compare(1, acc.length, acc, null, new float[] {multiplier}, 0, true);
            compare(1, acc.length, acc, null, new float[] {multiplier}, 3, false);
        }
    }

    @Test
    void saturatesNanInfinitiesAndExtremeValuesAsTheReference() {
        int[] acc = {Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 1, -1, 8_388_609, -8_388_609, 1 << 30};
        float[] multipliers = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 1f,
                Float.MIN_VALUE, 3.0e-10f};
        for (int zero : new int[] {0, -128, 255, Integer.MAX_VALUE, Integer.MIN_VALUE, -300}) {
            for (boolean signed : new boolean[] {true, false}) {
                compare(1, acc.length, acc, null, multipliers, zero, signed);
                compare(1, acc.length, acc, new int[] {1, -1, Integer.MAX_VALUE, 5, 5, 5, 5, 5}, multipliers, zero,
                        signed);
            }
        }
    }

    @Test
    void randomMatricesWithBiasAndPerColumnMultipliers() {
        Random random = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + random.nextInt(9);
            int n = 1 + random.nextInt(40);
            int[] acc = new int[m * n];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = random.nextInt(1 << (1 + random.nextInt(30))) - (1 << 14);
            }
            int[] bias = random.nextBoolean() ? null : random.ints(n, -5000, 5000).toArray();
            float[] multipliers = new float[random.nextBoolean() ? 1 : n];
            for (int j = 0; j < multipliers.length; j++) {
                multipliers[j] = random.nextFloat() * 0.01f;
            }
            compare(m, n, acc, bias, multipliers, random.nextInt(256) - 128, random.nextBoolean());
        }
    }

    private void compare(int m, int n, int[] acc, int[] bias, float[] multiplier, int zero, boolean signed) {
        for (Rounding rounding : Rounding.values()) {
            byte[] expected = new byte[m * n];
            byte[] actual = new byte[m * n];
            REFERENCE.requantize(m, n, acc, 0, n, bias, multiplier, zero, signed, rounding, expected, 0, n);
            kernel.requantize(m, n, acc, 0, n, bias, multiplier, zero, signed, rounding, actual, 0, n);
            assertArrayEquals(expected, actual, rounding + " zero " + zero + (signed ? " int8" : " uint8"));
        }
    }
}
