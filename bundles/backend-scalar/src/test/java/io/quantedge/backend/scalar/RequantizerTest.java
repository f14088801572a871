package io.quantedge.backend.scalar;

import static io.quantedge.api.kernel.Rounding.HALF_AWAY_FROM_ZERO;
import static io.quantedge.api.kernel.Rounding.HALF_TO_EVEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.kernel.Rounding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequantizerTest {

    private final ScalarInt8Gemm kernel = new ScalarInt8Gemm();

    @ParameterizedTest(name = "{0} x 0.5 -> {1} (half to even), {2} (half away from zero)")
    @CsvSource({
        "5, 2, 3",
        "-5, -2, -3",
        "1, 0, 1",
        "-1, 0, -1",
        "3, 2, 2",
        "-3, -2, -2",
        "7, 4, 4",
        "-7, -4, -4",
        "9, 4, 5",
        "-9, -4, -5",
        "0, 0, 0",
        "4, 2, 2",
        "-4, -2, -2"})
    void everyTieRoundsPerItsMode(int acc, int halfToEven, int halfAwayFromZero) {
        assertEquals(halfToEven, single(acc, 0.5f, 0, true, HALF_TO_EVEN));
        assertEquals(halfAwayFromZero, single(acc, 0.5f, 0, true, HALF_AWAY_FROM_ZERO));
    }

    @Test
    void valuesJustBesideATieRoundToTheNearestInBothModes() {
        float belowHalf = Math.nextDown(0.5f);
        assertEquals(0.49999997f, belowHalf);
        for (Rounding rounding : Rounding.values()) {
            assertEquals(0, single(1, belowHalf, 0, true, rounding));
            assertEquals(0, single(-1, belowHalf, 0, true, rounding));
            assertEquals(1, single(1, Math.nextUp(0.5f), 0, true, rounding));
            assertEquals(-1, single(-1, Math.nextUp(0.5f), 0, true, rounding));
            assertEquals(2, single(5, Math.nextDown(0.5f), 0, true, rounding));
            assertEquals(3, single(5, Math.nextUp(0.5f), 0, true, rounding));
        }
    }

    @Test
    void roundingIsExactAtLargeMagnitudes() {
        // floor(v + 0.5f) would give 2^23 + 2 here: the sum is not representable.
        assertEquals(8_388_609, Requantizer.roundHalfAwayFromZero(8_388_609f));
        assertEquals(-8_388_609, Requantizer.roundHalfAwayFromZero(-8_388_609f));
        assertEquals(8_388_608, Requantizer.roundHalfToEven(8_388_607.5f));
        assertEquals(8_388_608, Requantizer.roundHalfAwayFromZero(8_388_607.5f));
        assertEquals(-4_194_304, Requantizer.roundHalfToEven(-4_194_304.5f));
        assertEquals(-4_194_305, Requantizer.roundHalfAwayFromZero(-4_194_304.5f));
        assertEquals(Integer.MAX_VALUE, Requantizer.roundHalfAwayFromZero(1e20f));
        assertEquals(-Integer.MAX_VALUE, Requantizer.roundHalfAwayFromZero(-1e20f));
        assertEquals(Integer.MIN_VALUE, Requantizer.roundHalfToEven(-1e20f));
    }

    @Test
    void int8SaturatesAtBothEnds() {
        for (Rounding rounding : Rounding.values()) {
            assertEquals(127, single(128, 1f, 0, true, rounding));
            assertEquals(-128, single(-129, 1f, 0, true, rounding));
            assertEquals(127, single(100, 1f, 28, true, rounding));
            assertEquals(127, single(100, 1f, 30, true, rounding));
            assertEquals(-128, single(-100, 1f, -29, true, rounding));
            assertEquals(127, single(Integer.MAX_VALUE, 1e30f, 0, true, rounding));
            assertEquals(-128, single(Integer.MIN_VALUE, 1e30f, 0, true, rounding));
            assertEquals(127, single(Integer.MAX_VALUE, 1f, -128, true, rounding));
        }
    }

    @Test
    void uint8SaturatesAtBothEnds() {
        for (Rounding rounding : Rounding.values()) {
            assertEquals(255, single(255, 1f, 0, false, rounding));
            assertEquals(255, single(256, 1f, 0, false, rounding));
            assertEquals(0, single(-1, 1f, 0, false, rounding));
            assertEquals(255, single(10, 1f, 255, false, rounding));
            assertEquals(0, single(-129, 1f, 128, false, rounding));
            assertEquals(1, single(-127, 1f, 128, false, rounding));
            assertEquals(0, single(Integer.MIN_VALUE, 1e30f, 255, false, rounding));
        }
    }

    @Test
    void nanBecomesTheOutputZeroPointAndInfinitiesSaturate() {
        assertEquals(128, single(5, Float.NaN, 128, false, HALF_TO_EVEN));
        assertEquals(-3, single(0, Float.POSITIVE_INFINITY, -3, true, HALF_AWAY_FROM_ZERO));
        assertEquals(127, single(1, Float.POSITIVE_INFINITY, 0, true, HALF_TO_EVEN));
        assertEquals(0, single(1, Float.NEGATIVE_INFINITY, 128, false, HALF_AWAY_FROM_ZERO));
    }

    @Test
    void appliesPerColumnMultipliersBiasAndZeroPointWithStrides() {
        // 2 x 3 accumulators at offset 1 with leading dimension 4; output at offset 2, leading dimension 5.
        int[] acc = {99, 10, 20, -30, 99, 7, -8, 9, 99};
        int[] bias = {1, -2, 5};
        float[] multiplier = {0.5f, 0.25f, 2f};
        byte[] out = new byte[12];
        kernel.requantize(2, 3, acc, 1, 4, bias, multiplier, 10, true, HALF_TO_EVEN, out, 2, 5);
        // Row 0: (11)*0.5 = 5.5 -> 6; (18)*0.25 = 4.5 -> 4; (-25)*2 = -50. Plus 10.
        // Row 1: (8)*0.5 = 4; (-10)*0.25 = -2.5 -> -2; (14)*2 = 28. Plus 10.
        assertArrayEquals(new byte[] {0, 0, 16, 14, -40, 0, 0, 14, 8, 38, 0, 0}, out);

        kernel.requantize(2, 3, acc, 1, 4, bias, multiplier, 10, true, HALF_AWAY_FROM_ZERO, out, 2, 5);
        assertArrayEquals(new byte[] {0, 0, 16, 15, -40, 0, 0, 14, 7, 38, 0, 0}, out);
    }

    @Test
    void aSingleMultiplierAndNoBiasApplyToEveryColumn() {
        int[] acc = {3, 5, -3, -5};
        byte[] out = new byte[4];
        kernel.requantize(1, 4, acc, 0, 4, null, new float[] {0.5f}, 0, true, HALF_TO_EVEN, out, 0, 4);
        assertArrayEquals(new byte[] {2, 2, -2, -2}, out);
    }

    @Test
    void theBiasIsAddedInInt32BeforeTheConversionToFloat() {
        // In float, 2^24 + 1 + 1 would be 2^24 and give exactly 2.5 (-> 2); in int32 it is 2^24 + 2 (-> 3).
        float multiplier = 2.5f / (1 << 24);
        assertEquals(3, single((1 << 24) + 1, 1, multiplier, 0, true, HALF_TO_EVEN));
    }

    @Test
    void theBiasWrapsInInt32LikeTheAccumulator() {
        assertEquals(-128, single(Integer.MAX_VALUE, 1, 1f / (1 << 24), 0, true, HALF_TO_EVEN));
    }

    @Test
    void multipliersAndBiasesMustMatchTheColumns() {
        byte[] out = new byte[3];
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(1, 3, new int[3], 0, 3, null,
                new float[] {1f, 1f}, 0, true, HALF_TO_EVEN, out, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(1, 3, new int[3], 0, 3,
                new int[1], new float[] {1f}, 0, true, HALF_TO_EVEN, out, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernel.requantize(1, 3, new int[3], 0, 3, null,
                new float[] {1f}, 0, true, HALF_TO_EVEN, new byte[2], 0, 3));
    }

    @Test
    void matchesAnIndependentReferenceOnRandomValues() {
        Random random = new Random(7);
        int m = 50;
        int n = 40;
        int[] acc = new int[m * n];
        int[] bias = new int[n];
        float[] multiplier = new float[n];
        for (int trial = 0; trial < 20; trial++) {
            for (int index = 0; index < acc.length; index++) {
                acc[index] = switch (index % 3) {
                    case 0 -> random.nextInt(2001) - 1000;
                    case 1 -> random.nextInt(1 << 20) - (1 << 19);
                    default -> random.nextInt();
                };
            }
            for (int j = 0; j < n; j++) {
                bias[j] = random.nextInt(20_001) - 10_000;
                // Powers of two make exact ties common; the others are typical scale ratios.
                multiplier[j] = j % 4 == 0 ? 1f / (1 << random.nextInt(12))
                        : Math.scalb(random.nextFloat() + 0.5f, -random.nextInt(20));
            }
            for (Rounding rounding : Rounding.values()) {
                for (boolean signed : new boolean[] {true, false}) {
                    int zero = signed ? random.nextInt(256) - 128 : random.nextInt(256);
                    byte[] out = new byte[m * n];
                    kernel.requantize(m, n, acc, 0, n, bias, multiplier, zero, signed, rounding, out, 0, n);
                    for (int index = 0; index < acc.length; index++) {
                        int j = index % n;
                        int expected = reference(acc[index], bias[j], multiplier[j], zero, signed, rounding);
                        int actual = signed ? out[index] : out[index] & 0xFF;
                        if (actual != expected) {
                            assertEquals(expected, actual, "acc " + acc[index] + ", bias " + bias[j] + ", multiplier "
                                    + multiplier[j] + ", zero point " + zero + ", " + rounding);
                        }
                    }
                }
            }
        }
    }

    /** The same single-precision product, then rounding by BigDecimal, which holds the float exactly. */
    private static int reference(int acc, int bias, float multiplier, int zero, boolean signed, Rounding rounding) {
        float scaled = (float) (acc + bias) * multiplier;
        RoundingMode mode = rounding == HALF_TO_EVEN ? RoundingMode.HALF_EVEN : RoundingMode.HALF_UP;
        BigDecimal rounded = new BigDecimal(scaled).setScale(0, mode).add(BigDecimal.valueOf(zero));
        BigDecimal low = BigDecimal.valueOf(signed ? -128 : 0);
        BigDecimal high = BigDecimal.valueOf(signed ? 127 : 255);
        return rounded.max(low).min(high).intValueExact();
    }

    /** Requantizes one accumulator and reads the byte back as int8 or uint8. */
    private int single(int acc, float multiplier, int zero, boolean signed, Rounding rounding) {
        return single(acc, 0, multiplier, zero, signed, rounding);
    }

    private int single(int acc, int bias, float multiplier, int zero, boolean signed, Rounding rounding) {
        byte[] out = new byte[1];
        kernel.requantize(1, 1, new int[] {acc}, 0, 1, new int[] {bias}, new float[] {multiplier}, zero, signed,
                rounding, out, 0, 1);
        return signed ? out[0] : out[0] & 0xFF;
    }
}
