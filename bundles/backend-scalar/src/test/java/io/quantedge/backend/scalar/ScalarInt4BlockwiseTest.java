package io.quantedge.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalarInt4BlockwiseTest {

    private final ScalarInt4Blockwise kernel = new ScalarInt4Blockwise();

    @ParameterizedTest(name = "K={0}, block {1}")
    @CsvSource({"40,16", "40,32", "16,16", "1,16", "64,64", "100,64", "128,128", "300,128", "200,32", "33,16"})
    void matchesAReferenceThatUnpacksTheNibblesItself(int k, int blockSize) {
        Random random = new Random(k * 1000L + blockSize);
        for (int n : new int[] {1, 3, 7}) {
            for (boolean withZeroPoints : new boolean[] {false, true}) {
                Weights w = Weights.random(random, k, n, blockSize, withZeroPoints);
                int m = 1 + random.nextInt(4);
                int aOffset = 2;
                int lda = k + 3;
                float[] a = new float[aOffset + m * lda];
                Arrays.fill(a, Float.NaN);
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        a[aOffset + i * lda + p] = random.nextFloat() * 2 - 1;
                    }
                }
                int cOffset = 1;
                int ldc = n + 2;
                float[] c = new float[cOffset + m * ldc];
                Arrays.fill(c, -7f);

                kernel.matmul(m, n, k, a, aOffset, lda, w.pack(kernel), c, cOffset, ldc);

                float[] expected = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float sum = 0f;
                        for (int p = 0; p < k; p++) {
                            sum += a[aOffset + i * lda + p] * w.weight(j, p);
                        }
                        expected[cOffset + i * ldc + j] = sum;
                    }
                }
                assertArrayEquals(expected, c, "N=" + n + (withZeroPoints ? " with" : " without") + " zero points");
            }
        }
    }

    @Test
    void aHandWorkedExampleWithATailBlockAndZeroPointsPaddedPerColumn() {
        // K = 40 in blocks of 16: blocks of 16, 16 and 8 values, the last padded with 8 nibbles.
        // Column 0: every q = 9; zero points 8, 7, 9 (scale 1, 2, 4): weights 1, 4, 0.
        // Column 1: every q = 1; zero points 0, 1, 2 (scale 1, 1, 1): weights 1, 0, -1.
        // Each column's three zero points take two bytes; the fourth nibble is padding (set to F).
        int k = 40;
        byte[] quantized = new byte[2 * 3 * 8];
        Arrays.fill(quantized, 0, 24, (byte) 0x99);
        Arrays.fill(quantized, 24, 48, (byte) 0x11);
        // Padding nibbles of each column's last block must not count.
        Arrays.fill(quantized, 20, 24, (byte) 0xFF);
        Arrays.fill(quantized, 44, 48, (byte) 0xFF);
        float[] scales = {1, 2, 4, 1, 1, 1};
        byte[] zeroPoints = {(byte) 0x78, (byte) 0xF9, (byte) 0x10, (byte) 0xF2};
        PackedMatrix w = kernel.pack(quantized, scales, zeroPoints, k, 2, 16);

        float[] a = new float[k];
        Arrays.fill(a, 1f);
        float[] c = new float[2];
        kernel.matmul(1, 2, k, a, 0, k, w, c, 0, 2);
        assertArrayEquals(new float[] {16 * 1 + 16 * 4 + 8 * 0, 16 * 1 + 16 * 0 + 8 * -1}, c);
    }

    @Test
    void withoutZeroPointsEveryZeroPointIsEight() {
        byte[] quantized = new byte[8];
        Arrays.fill(quantized, (byte) 0xA6); // low nibble 6 (-2), high nibble 10 (+2)
        PackedMatrix w = kernel.pack(quantized, new float[] {0.5f}, null, 16, 1, 16);
        float[] a = new float[16];
        a[0] = 3f; // meets a low nibble: weight -1
        a[3] = 5f; // meets a high nibble: weight +1
        float[] c = new float[1];
        kernel.matmul(1, 1, 16, a, 0, 16, w, c, 0, 1);
        assertEquals(2f, c[0]);
    }

    @Test
    void packingCopiesTheWeightsAndReportsTheirSize() {
        byte[] quantized = new byte[3 * 2 * 8];
        float[] scales = new float[3 * 2];
        byte[] zeroPoints = new byte[3];
        Arrays.fill(scales, 1f);
        PackedMatrix w = kernel.pack(quantized, scales, zeroPoints, 20, 3, 16);
        assertEquals(20, w.rows());
        assertEquals(3, w.columns());
        assertEquals(48 + 4 * 6 + 3, w.bytes());
        Arrays.fill(quantized, (byte) 0x11);
        Arrays.fill(scales, 100f);
        float[] c = new float[3];
        float[] a = new float[20];
        Arrays.fill(a, 1f);
        kernel.matmul(1, 3, 20, a, 0, 20, w, c, 0, 3);
        assertArrayEquals(new float[3], c);
        assertEquals(48 + 4 * 6, kernel.pack(quantized, scales, null, 20, 3, 16).bytes());
    }

    @Test
    void blockSizesMustBePowersOfTwoOfAtLeastSixteen() {
        for (int blockSize : new int[] {0, -16, 8, 24, 48, 100}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(new byte[64], new float[4], null, 32, 2, blockSize));
            assertEquals("block size " + blockSize + " is not a power of two >= 16", error.getMessage());
        }
    }

    @Test
    void lengthsThatDoNotMatchTheShapeAreRejectedWithTheRule() {
        // K = 40, N = 3, block 32: 2 blocks per column, 16 bytes each; 1 zero-point byte per column.
        byte[] quantized = new byte[3 * 2 * 16];
        float[] scales = new float[3 * 2];
        kernel.pack(quantized, scales, new byte[3], 40, 3, 32);

        IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
                () -> kernel.pack(new byte[3 * 20], scales, null, 40, 3, 32));
        assertEquals("quantized weights: 60 given, 96 expected (N * ceil(K / blockSize) * blockSize / 2 bytes)",
                weights.getMessage());
        IllegalArgumentException scaleCount = assertThrows(IllegalArgumentException.class,
                () -> kernel.pack(quantized, new float[3], null, 40, 3, 32));
        assertTrue(scaleCount.getMessage().startsWith("scales: 3 given, 6 expected"), scaleCount.getMessage());
        IllegalArgumentException zeroCount = assertThrows(IllegalArgumentException.class,
                () -> kernel.pack(quantized, scales, new byte[2], 40, 3, 32));
        assertTrue(zeroCount.getMessage().startsWith("zero points: 2 given, 3 expected"), zeroCount.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[0], new float[0], null, 0, 3, 32));
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[0], new float[0], null, 40, 0, 32));
    }

    @Test
    void aMatrixPackedForAnotherShapeOrByAnotherKernelIsRejected() {
        PackedMatrix w = kernel.pack(new byte[16], new float[2], null, 16, 2, 16);
        assertThrows(IllegalArgumentException.class,
                () -> kernel.matmul(1, 2, 32, new float[32], 0, 32, w, new float[2], 0, 2));
        PackedMatrix floats = new ScalarFloatGemm().pack(new float[32], 0, 2, 16, 2);
        assertThrows(IllegalArgumentException.class,
                () -> kernel.matmul(1, 2, 16, new float[16], 0, 16, floats, new float[2], 0, 2));
    }

    /** Random MatMulNBits weights, and their meaning read back nibble by nibble. */
    private record Weights(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {

        static Weights random(Random random, int k, int n, int blockSize, boolean withZeroPoints) {
            int blocks = (k + blockSize - 1) / blockSize;
            byte[] quantized = new byte[n * blocks * blockSize / 2];
            random.nextBytes(quantized); // padding included: it must be ignored
            float[] scales = new float[n * blocks];
            for (int index = 0; index < scales.length; index++) {
                scales[index] = random.nextFloat() * 0.1f + 0.001f;
            }
            byte[] zeroPoints = null;
            if (withZeroPoints) {
                zeroPoints = new byte[n * ((blocks + 1) / 2)];
                random.nextBytes(zeroPoints);
            }
            return new Weights(quantized, scales, zeroPoints, k, n, blockSize);
        }

        PackedMatrix pack(ScalarInt4Blockwise kernel) {
            return kernel.pack(quantized, scales, zeroPoints, k, n, blockSize);
        }

        /** W[j][p] = (q - zero) * scale, every index spelled out from the layout. */
        float weight(int j, int p) {
            int blocks = (k + blockSize - 1) / blockSize;
            int block = p / blockSize;
            int within = p % blockSize;
            int twoValues = quantized[j * blocks * (blockSize / 2) + block * (blockSize / 2) + within / 2] & 0xFF;
            int q = within % 2 == 0 ? twoValues % 16 : twoValues / 16;
            int zero = 8;
            if (zeroPoints != null) {
                int zeroBytesPerColumn = (blocks + 1) / 2;
                int twoZeros = zeroPoints[j * zeroBytesPerColumn + block / 2] & 0xFF;
                zero = block % 2 == 0 ? twoZeros % 16 : twoZeros / 16;
            }
            return (q - zero) * scales[j * blocks + block];
        }
    }
}
