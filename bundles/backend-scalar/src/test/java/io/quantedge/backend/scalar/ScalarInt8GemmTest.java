package io.quantedge.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalarInt8GemmTest {

    private static final int C_PADDING = 0x5EED;

    private final ScalarInt8Gemm kernel = new ScalarInt8Gemm();

    @Test
    void isExactForRandomShapesSignednessAndZeroPoints() {
        Random random = new Random(2024);
        for (int trial = 0; trial < 400; trial++) {
            int m = 1 + random.nextInt(9);
            int n = 1 + random.nextInt(37);
            int k = 1 + random.nextInt(70);
            boolean aSigned = random.nextBoolean();
            boolean bSigned = random.nextBoolean();
            Operand a = Operand.random(random, m, k, aSigned);
            Operand b = Operand.random(random, k, n, bSigned);
            int aZero = inRange(random, aSigned);
            int[] bZeros = new int[random.nextBoolean() ? 1 : n];
            for (int j = 0; j < bZeros.length; j++) {
                bZeros[j] = inRange(random, bSigned);
            }
            assertExact(m, n, k, a, aZero, b, bZeros, "trial " + trial);
        }
    }

    @Test
    void isExactAtTheExtremesOfEachTypeWithZeroPointsAtEitherEnd() {
        for (boolean aSigned : new boolean[] {true, false}) {
            for (boolean bSigned : new boolean[] {true, false}) {
                for (int aValue : ends(aSigned)) {
                    for (int aZero : ends(aSigned)) {
                        for (int bValue : ends(bSigned)) {
                            for (int bZero : ends(bSigned)) {
                                Operand a = Operand.constant(2, 5, aValue, aSigned);
                                Operand b = Operand.constant(5, 3, bValue, bSigned);
                                int[] bZeros = {bZero, 0, bZero};
                                assertExact(2, 3, 5, a, aZero, b, bZeros, "a=" + aValue + "-" + aZero + " b="
                                        + bValue + "-" + bZero);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void wrapsAroundInInt32LikeOnnxWhenTheSumOverflows() {
        int k = 70_000;
        Operand a = Operand.constant(2, k, 255, false);
        Operand b = Operand.constant(k, 3, 255, false);
        long exact = 255L * 255 * k;
        assertNotEquals(exact, (int) exact, "the sum must overflow int32 for this test to mean anything");
        int[] c = new int[6];
        kernel.gemm(2, 3, k, a.values, 0, k, false, 0, kernel.pack(b.values, 0, 3, k, 3, false, new int[] {0}), c,
                0, 3);
        int[] expected = new int[6];
        Arrays.fill(expected, (int) exact);
        assertArrayEquals(expected, c);
    }

    @Test
    void wrapsAroundForNegativeSumsAndRandomValuesToo() {
        int k = 70_000;
        // (-128 - 127) * (127 - (-128)) = -65025 per product.
        Operand a = Operand.constant(1, k, -128, true);
        Operand b = Operand.constant(k, 2, 127, true);
        assertExact(1, 2, k, a, 127, b, new int[] {-128}, "most negative products");

        Random random = new Random(70_000);
        assertExact(3, 5, k, Operand.random(random, 3, k, false), 0, Operand.random(random, k, 5, true),
                new int[] {-128, 127, 0, -1, 5}, "random, K = 70000");
    }

    @Test
    void packingCopiesBAndExpandsAPerTensorZeroPoint() {
        byte[] b = {1, 2, 3, 4, 5, 6};
        PackedMatrix packed = kernel.pack(b, 0, 3, 2, 3, true, new int[] {1});
        Arrays.fill(b, (byte) 0);
        assertEquals(2, packed.rows());
        assertEquals(3, packed.columns());
        assertEquals(6 + 3 * 4L, packed.bytes());
        int[] c = new int[3];
        kernel.gemm(1, 3, 2, new byte[] {1, 10}, 0, 2, true, 0, packed, c, 0, 3);
        assertArrayEquals(new int[] {0 + 30, 1 + 40, 2 + 50}, c);
    }

    @Test
    void zeroPointsMustBeOneOrOnePerColumn() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> kernel.pack(new byte[10], 0, 5, 2, 5, true, new int[] {0, 0}));
        assertEquals("B has 5 columns but 2 zero points: give one for all columns or one per column",
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[10], 0, 5, 2, 5, true, new int[0]));
    }

    @Test
    void aMatrixPackedForAnotherShapeOrByAnotherKernelIsRejected() {
        PackedMatrix twoByThree = kernel.pack(new byte[6], 0, 3, 2, 3, true, new int[] {0});
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 2, 3, new byte[3], 0, 3, true, 0, twoByThree, new int[2], 0, 2));
        PackedMatrix floats = new ScalarFloatGemm().pack(new float[6], 0, 3, 2, 3);
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 3, 2, new byte[2], 0, 2, true, 0, floats, new int[3], 0, 3));
    }

    /** Packs B, multiplies, and compares with the long-arithmetic reference wrapped to int32. */
    private void assertExact(int m, int n, int k, Operand a, int aZero, Operand b, int[] bZeros, String what) {
        PackedMatrix packed = kernel.pack(b.values, b.offset, b.ld, k, n, b.signed, bZeros);
        int cOffset = 3;
        int ldc = n + 2;
        int[] c = new int[cOffset + m * ldc];
        Arrays.fill(c, C_PADDING);
        kernel.gemm(m, n, k, a.values, a.offset, a.ld, a.signed, aZero, packed, c, cOffset, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long sum = 0;
                for (int p = 0; p < k; p++) {
                    long bZero = bZeros.length == 1 ? bZeros[0] : bZeros[j];
                    sum += (a.at(i, p) - (long) aZero) * (b.at(p, j) - bZero);
                }
                if (c[cOffset + i * ldc + j] != (int) sum) {
                    assertEquals((int) sum, c[cOffset + i * ldc + j], what + ": C[" + i + "][" + j + "]");
                }
            }
            for (int j = n; j < ldc && cOffset + i * ldc + j < c.length; j++) {
                assertEquals(C_PADDING, c[cOffset + i * ldc + j], what + ": padding of C written");
            }
        }
    }

    private static int inRange(Random random, boolean signed) {
        return signed ? random.nextInt(256) - 128 : random.nextInt(256);
    }

    private static int[] ends(boolean signed) {
        return signed ? new int[] {-128, 0, 127} : new int[] {0, 255};
    }

    /** An 8-bit matrix at an offset in a larger array with a wider leading dimension, padding random. */
    private record Operand(byte[] values, int offset, int ld, int rows, int columns, boolean signed) {

        static Operand random(Random random, int rows, int columns, boolean signed) {
            int offset = random.nextInt(4);
            int ld = columns + random.nextInt(3);
            byte[] values = new byte[offset + rows * ld];
            random.nextBytes(values);
            return new Operand(values, offset, ld, rows, columns, signed);
        }

        static Operand constant(int rows, int columns, int value, boolean signed) {
            byte[] values = new byte[rows * columns];
            Arrays.fill(values, (byte) value);
            return new Operand(values, 0, columns, rows, columns, signed);
        }

        long at(int row, int column) {
            byte stored = values[offset + row * ld + column];
            return signed ? stored : stored & 0xFF;
        }
    }
}
