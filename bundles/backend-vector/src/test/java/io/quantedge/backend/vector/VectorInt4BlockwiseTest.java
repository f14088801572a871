package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorInt4BlockwiseTest {

    private final BlockwiseInt4Kernel kernel = new VectorInt4Blockwise();

    @ParameterizedTest(name = "K={0}, block {1}")
    @CsvSource({"40,16", "40,32", "16,16", "1,16", "64,64", "100,64", "128,128", "300,128", "200,32", "33,16",
        "1000,32", "4096,32", "257,256", "5,256"})
    void matchesTheScalarBackendWithinFloatTolerance(int k, int blockSize) {
        Random random = new Random(k * 1000L + blockSize);
        for (int n : new int[] {1, 3, 7, 37}) {
            for (boolean withZeroPoints : new boolean[] {false, true}) {
                int blocks = (k + blockSize - 1) / blockSize;
                byte[] quantized = new byte[n * blocks * blockSize / 2];
                random.nextBytes(quantized);
                float[] scales = new float[n * blocks];
                for (int index = 0; index < scales.length; index++) {
                    scales[index] = random.nextFloat() * 0.1f;
                }
                byte[] zeroPoints = null;
                if (withZeroPoints) {
                    zeroPoints = new byte[n * ((blocks + 1) / 2)];
                    random.nextBytes(zeroPoints);
                }
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
                float[] expected = new float[1 + m * (n + 2)];
                Arrays.fill(expected, -7f);
                float[] actual = expected.clone();
                ReferenceKernels.INT4.matmul(m, n, k, a, aOffset, lda,
                        ReferenceKernels.INT4.pack(quantized, scales, zeroPoints, k, n, blockSize), expected, 1, n + 2);
                kernel.matmul(m, n, k, a, aOffset, lda, kernel.pack(quantized, scales, zeroPoints, k, n, blockSize),
                        actual, 1, n + 2);
                double tolerance = 1e-5 * k * 15 * 0.1;
                for (int index = 0; index < actual.length; index++) {
                    if (!(Math.abs(actual[index] - expected[index]) <= tolerance)) {
                        fail("C at " + index + " = " + actual[index] + ", reference " + expected[index] + " (N=" + n
                                + (withZeroPoints ? ", zero points)" : ")"));
                    }
                }
            }
        }
    }

    @Test
    void aHandWorkedExampleWithATailBlockAndPaddingNibblesThatMustNotCount() {
        // K = 40 in blocks of 16: 16, 16 and 8 values. Column 0: q = 9, zero points 8, 7, 9, scales 1, 2, 4:
        // weights 1, 4, 0. Column 1: q = 1, zero points 0, 1, 2, scales 1: weights 1, 0, -1.
        int k = 40;
        byte[] quantized = new byte[2 * 3 * 8];
        Arrays.fill(quantized, 0, 24, (byte) 0x99);
        Arrays.fill(quantized, 24, 48, (byte) 0x11);
        Arrays.fill(quantized, 20, 24, (byte) 0xFF);
        Arrays.fill(quantized, 44, 48, (byte) 0xFF);
        float[] scales = {1, 2, 4, 1, 1, 1};
        byte[] zeroPoints = {(byte) 0x78, (byte) 0xF9, (byte) 0x10, (byte) 0xF2};
        PackedMatrix w = kernel.pack(quantized, scales, zeroPoints, k, 2, 16);
        float[] a = new float[k];
        Arrays.fill(a, 1f);
        float[] c = new float[2];
        kernel.matmul(1, 2, k, a, 0, k, w, c, 0, 2);
        assertArrayEquals(new float[] {16 + 16 * 4, 16 - 8}, c);
    }

    @Test
    void packingCopiesTheWeights() {
        byte[] quantized = new byte[2 * 16];
        float[] scales = {1f, 1f};
        PackedMatrix w = kernel.pack(quantized, scales, null, 64, 1, 32);
        Arrays.fill(quantized, (byte) 0x99);
        float[] a = new float[64];
        Arrays.fill(a, 1f);
        float[] c = new float[1];
        kernel.matmul(1, 1, 64, a, 0, 64, w, c, 0, 1);
        assertEquals(-8f * 64, c[0]);
        assertEquals(64, w.rows());
        assertEquals(1, w.columns());
    }

    @Test
    void badShapesAndForeignMatricesAreRejected() {
        for (int blockSize : new int[] {0, 8, 24}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(new byte[64], new float[4], null, 32, 2, blockSize));
            assertEquals("block size " + blockSize + " is not a power of two >= 16", error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[63], new float[4], null, 32, 2, 16));
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[32], new float[3], null, 32, 2, 16));
        PackedMatrix foreign = ReferenceKernels.INT4.pack(new byte[16], new float[2], null, 32, 1, 16);
        assertThrows(IllegalArgumentException.class,
                () -> kernel.matmul(1, 1, 32, new float[32], 0, 32, foreign, new float[1], 0, 1));
    }
}
