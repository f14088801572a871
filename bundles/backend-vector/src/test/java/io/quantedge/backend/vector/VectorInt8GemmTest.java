package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorInt8GemmTest {

    private static final int C_PADDING = 0x5EED;
    private static final int PANEL = Int8Tiles.PANEL_WIDTH;

    private final Int8GemmKernel kernel = new VectorInt8Gemm();

    /** Shapes around the panel width, the tile height, the float-exact chunk of K and the row block. */
    @ParameterizedTest(name = "{0} x {1} x {2}")
    @CsvSource({
        "1,1,1", "1,7,3", "1,1,1500", "7,1,9", "5,3,1", "4,32,16", "3,33,17", "9,31,1023", "2,65,1024",
        "6,64,1025", "1,100,2049", "13,47,300", "129,5,40", "130,33,70", "4,1,3000", "1,4096,64", "17,2,2"})
    void matchesTheScalarBackendBitForBitInEverySignednessAndZeroPointForm(int m, int n, int k) {
        SplittableRandom random = new SplittableRandom(1_000_003L * m + 1009L * n + k);
        for (boolean aSigned : new boolean[] {false, true}) {
            for (boolean bSigned : new boolean[] {false, true}) {
                for (boolean perColumn : new boolean[] {false, true}) {
                    Product product = Product.random(random, m, n, k, aSigned, bSigned, perColumn);
                    assertArrayEquals(product.expected(), product.computeWith(kernel),
                            product + ": A " + (aSigned ? "int8" : "uint8") + ", B " + (bSigned ? "int8" : "uint8")
                                    + (perColumn ? ", per-column" : ", per-tensor") + " zero points");
                }
            }
        }
    }

    @Test
    void manyRandomShapesMatchTheScalarBackend() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int m = 1 + random.nextInt(trial % 10 == 0 ? 140 : 12);
            int n = 1 + random.nextInt(3 * PANEL);
            int k = random.nextInt(trial % 7 == 0 ? 2500 : 200);
            Product product = Product.random(random, m, n, k, random.nextBoolean(), random.nextBoolean(),
                    random.nextBoolean());
            assertArrayEquals(product.expected(), product.computeWith(kernel), product.toString());
        }
    }

    @Test
    void zeroPointsOutsideTheOperandRangeStillFollowTheDefinition() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            Product product = Product.random(random, 1 + random.nextInt(9), 1 + random.nextInt(70),
                    1 + random.nextInt(300), random.nextBoolean(), random.nextBoolean(), true);
            product = product.withZeroPoints(random.nextInt(), random.ints(product.n()).toArray());
            assertArrayEquals(product.expected(), product.computeWith(kernel), product.toString());
        }
    }

    @Test
    void accumulatorsWrapAroundIn32BitsExactlyLikeTheReference() {
        // 70,000 products of 255 x 255 (uint8 minus a zero point of 0) sum to 4.55e9, past 2^32.
        int k = 70_000;
        int n = PANEL + 1;
        byte[] a = new byte[2 * k];
        byte[] b = new byte[k * n];
        Arrays.fill(a, (byte) 255);
        Arrays.fill(b, (byte) 255);
        for (int aZero : new int[] {0, -1, 255}) {
            int[] c = new int[2 * n];
            kernel.gemm(2, n, k, a, 0, k, false, aZero, kernel.pack(b, 0, n, k, n, false, new int[] {0}), c, 0, n);
            int[] expected = new int[2 * n];
            ReferenceKernels.INT8.gemm(2, n, k, a, 0, k, false, aZero,
                    ReferenceKernels.INT8.pack(b, 0, n, k, n, false, new int[] {0}), expected, 0, n);
            assertArrayEquals(expected, c);
            if (aZero == 0) {
                assertEquals((int) (255L * 255 * k), c[0], "wrapped modulo 2^32");
            }
        }
        SplittableRandom random = new SplittableRandom(99);
        Product product = Product.random(random, 3, 40, 140_000, false, false, true);
        assertArrayEquals(product.expected(), product.computeWith(kernel), "random " + product);
    }

    @Test
    void extremeSignedValuesWithExtremeZeroPointsStayExact() {
        int k = 3000;
        int n = PANEL + 5;
        byte[] a = new byte[k];
        byte[] b = new byte[k * n];
        Arrays.fill(a, (byte) -128);
        Arrays.fill(b, (byte) -128);
        for (int aZero : new int[] {127, -128, 0}) {
            for (int bZero : new int[] {127, -128, 0}) {
                Product product = new Product(1, n, k, a, 0, k, true, aZero, b, 0, n, true, new int[] {bZero}, 0, n);
                assertArrayEquals(product.expected(), product.computeWith(kernel), aZero + ", " + bZero);
            }
        }
    }

    @Test
    void anEmptyReductionGivesZeros() {
        int[] c = {5, 6, 7};
        kernel.gemm(1, 3, 0, new byte[0], 0, 0, true, 3, kernel.pack(new byte[0], 0, 3, 0, 3, true, new int[] {2}),
                c, 0, 3);
        assertArrayEquals(new int[3], c);
    }

    @Test
    void packingCopiesB() {
        byte[] b = {1, 2, 3, 4};
        PackedMatrix packed = kernel.pack(b, 0, 2, 2, 2, true, new int[] {0, 1});
        Arrays.fill(b, (byte) 100);
        int[] c = new int[2];
        kernel.gemm(1, 2, 2, new byte[] {1, 1}, 0, 2, true, 0, packed, c, 0, 2);
        assertArrayEquals(new int[] {4, 4}, c);
        assertEquals(2, packed.rows());
        assertEquals(2, packed.columns());
    }

    @Test
    void badOperandsAreRejectedBeforeAnythingIsWritten() {
        PackedMatrix twoByTwo = kernel.pack(new byte[4], 0, 2, 2, 2, true, new int[] {0});
        int[] c = {7, 7, 7, 7};
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new byte[3], 0, 2, true, 0, twoByTwo, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new byte[4], 0, 2, true, 0, twoByTwo, c, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(1, 2, 3, new byte[3], 0, 3, true, 0, twoByTwo, c, 0, 2));
        PackedMatrix foreign = ReferenceKernels.INT8.pack(new byte[4], 0, 2, 2, 2, true, new int[] {0});
        assertThrows(IllegalArgumentException.class,
                () -> kernel.gemm(2, 2, 2, new byte[4], 0, 2, true, 0, foreign, c, 0, 2));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.pack(new byte[4], 0, 2, 2, 2, true, new int[] {0, 0, 0}));
        assertArrayEquals(new int[] {7, 7, 7, 7}, c);
    }

    /** One product's operands at offsets in larger arrays, with leading dimensions wider than the rows. */
    record Product(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint, byte[] b,
                   int bOffset, int ldb, boolean bSigned, int[] bZeroPoints, int cOffset, int ldc) {

        static Product random(SplittableRandom random, int m, int n, int k, boolean aSigned, boolean bSigned,
                              boolean perColumn) {
            int aOffset = random.nextInt(5);
            int lda = k + random.nextInt(3);
            int bOffset = random.nextInt(5);
            int ldb = n + random.nextInt(3);
            byte[] a = randomBytes(random, aOffset + m * lda + 1);
            byte[] b = randomBytes(random, bOffset + k * ldb + 1);
            int aZeroPoint = aSigned ? random.nextInt(-128, 128) : random.nextInt(256);
            int[] bZeroPoints = random.ints(perColumn ? n : 1, bSigned ? -128 : 0, bSigned ? 128 : 256).toArray();
            return new Product(m, n, k, a, aOffset, lda, aSigned, aZeroPoint, b, bOffset, ldb, bSigned, bZeroPoints,
                    random.nextInt(4), n + random.nextInt(3));
        }

        Product withZeroPoints(int aZero, int[] bZeros) {
            return new Product(m, n, k, a, aOffset, lda, aSigned, aZero, b, bOffset, ldb, bSigned, bZeros, cOffset,
                    ldc);
        }

        int[] computeWith(Int8GemmKernel kernel) {
            int[] c = new int[cOffset + m * ldc + 2];
            Arrays.fill(c, C_PADDING);
            PackedMatrix packed = kernel.pack(b, bOffset, ldb, k, n, bSigned, bZeroPoints);
            kernel.gemm(m, n, k, a, aOffset, lda, aSigned, aZeroPoint, packed, c, cOffset, ldc);
            return c;
        }

        int[] expected() {
            return computeWith(ReferenceKernels.INT8);
        }

        @Override
        public String toString() {
            return m + " x " + n + " x " + k;
        }

        private static byte[] randomBytes(SplittableRandom random, int length) {
            byte[] values = new byte[length];
            for (int index = 0; index < length; index++) {
                values[index] = (byte) random.nextInt(256);
            }
            return values;
        }
    }
}
