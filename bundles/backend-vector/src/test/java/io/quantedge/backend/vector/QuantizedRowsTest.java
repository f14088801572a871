package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantized activations bit for bit: the conformance kit sees them only through products
 * within float tolerance, and the vector path computes rint with an offset and clamps integers, so
 * each level, scale and level sum is compared here with the contract's formula, including blocks
 * where that formula meets its edges (ties, zeros, subnormal and huge magnitudes).
 */
class QuantizedRowsTest {

    @ParameterizedTest(name = "block {0}")
    @ValueSource(ints = {16, 32, 64, 128, 256})
    void levelsScalesAndSumsAreTheContractsOwn(int blockSize) {
        Random random = new Random(blockSize);
        for (int k : new int[] {7, blockSize, 3 * blockSize - 5, 9 * blockSize}) {
            int rows = 3;
            int lda = k + 5;
            int offset = 3;
            float[] a = new float[offset + rows * lda];
            Arrays.fill(a, Float.NaN);
            for (int r = 0; r < rows; r++) {
                for (int first = 0, block = 0; first < k; first += blockSize, block++) {
                    fillBlock(a, offset + r * lda + first, Math.min(blockSize, k - first), block + r, random);
                }
            }
            QuantizedRows quantized = new QuantizedRows();
            quantized.quantize(a, offset, lda, rows, k, blockSize);
            int blocks = (k + blockSize - 1) / blockSize;
            assertEquals(blocks, quantized.blocks());
            for (int r = 0; r < rows; r++) {
                for (int block = 0; block < blocks; block++) {
                    assertBlock(a, offset + r * lda, k, blockSize, block, quantized, r,
                            "K=" + k + ", row " + r + ", block " + block);
                }
            }
        }
    }

    /** Blocks of each kind in turn, then random magnitudes from 2^-30 to 2^30. */
    private static void fillBlock(float[] a, int start, int length, int kind, Random random) {
        for (int p = 0; p < length; p++) {
            a[start + p] = switch (kind % 8) {
                // Largest magnitude 127: scale 1, so every half is a tie (2.5 -> 2, -3.5 -> -4).
                case 0 -> p == 0 ? 127f : (random.nextInt(254) - 127) + 0.5f;
                case 1 -> 0f;
                // Subnormal: 1 / scale overflows to infinity, and 0 * infinity is NaN, which becomes level 0.
                case 2 -> p % 3 == 0 ? 0f : Float.MIN_VALUE * (1 + random.nextInt(1000)) * (p % 2 == 0 ? 1 : -1);
                // Scale subnormal, its inverse still finite.
                case 3 -> 1e-36f * (random.nextFloat() * 2 - 1);
                case 4 -> 3e38f * (random.nextFloat() * 2 - 1);
                case 5 -> -127f + p;
                default -> (float) Math.scalb(random.nextFloat() * 2 - 1, random.nextInt(61) - 30);
            };
        }
    }

    private static void assertBlock(float[] a, int rowStart, int k, int blockSize, int block, QuantizedRows quantized,
                                    int row, String where) {
        int first = block * blockSize;
        int end = Math.min(k, first + blockSize);
        float amax = 0;
        for (int p = first; p < end; p++) {
            amax = Math.max(amax, Math.abs(a[rowStart + p]));
        }
        float scale = amax / 127f;
        float inverse = scale == 0 ? 0 : 1f / scale;
        int sum = 0;
        for (int p = first; p < first + blockSize; p++) {
            int expected = 0;
            if (p < end) {
                long level = Math.round(Math.rint(a[rowStart + p] * inverse));
                expected = (int) Math.max(-127, Math.min(127, level));
            }
            sum += expected;
            assertEquals(expected, level(quantized, row, p), where + ", level " + p);
        }
        int index = row * quantized.blocks() + block;
        assertEquals(Float.floatToRawIntBits(scale), Float.floatToRawIntBits(quantized.scales()[index]),
                where + ": scale " + quantized.scales()[index] + ", expected " + scale);
        assertEquals(sum, quantized.levelSums()[index], where + ": sum of levels");
    }

    /** Level p of a row, from its pair: even p in the low 16 bits, odd p in the high. */
    private static int level(QuantizedRows quantized, int row, int p) {
        int pair = quantized.pairs()[row * quantized.rowPairs() + p / 2];
        return (short) (p % 2 == 0 ? pair : pair >> 16);
    }
}
