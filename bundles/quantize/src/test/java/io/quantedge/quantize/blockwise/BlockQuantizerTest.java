package io.quantedge.quantize.blockwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockQuantizerTest {

    /** The NF4 levels QLoRA publishes (its Appendix E, as float32), against which ours are computed. */
    private static final float[] QLORA_NF4 = {-1.0f, -0.6961928009986877f, -0.5250730514526367f,
        -0.39491748809814453f, -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

    @Test
    void normalFloatLevelsAreTheNormalQuantilesQloraPublishes() {
        float[] levels = NormalFloat4Grid.levels();
        assertArrayEquals(QLORA_NF4, levels, 2e-7f);
        assertEquals(0f, levels[7], "zero is a level");
        assertEquals(0.5 + 0.3413447460685429, NormalFloat4Grid.normalCdf(1), 1e-12, "Phi(1)");
        assertEquals(1.959963984540054, NormalFloat4Grid.normalQuantile(0.975), 1e-9, "the 97.5% quantile");
    }

    @Test
    void eachGridRoundsToItsNearestLevel() {
        for (FourBitGrid grid : new FourBitGrid[] {new SymmetricInt4Grid(), new NormalFloat4Grid()}) {
            float scale = grid.scale(2.0);
            for (float w = -2.2f; w <= 2.2f; w += 0.0137f) {
                int code = grid.code(w, scale);
                double best = Double.MAX_VALUE;
                for (int c = 0; c < 16; c++) {
                    best = Math.min(best, Math.abs(grid.level(c) * scale - w));
                }
                assertEquals(best, Math.abs(grid.level(code) * scale - w), 1e-6, grid.name() + " at " + w);
            }
            assertEquals(2.0, Math.max(Math.abs(grid.round(2f, scale)), Math.abs(grid.round(-2f, scale))), 1e-6,
                    grid.name() + ": the block's largest magnitude is a level");
            assertEquals(0f, grid.round(0f, scale), grid.name() + ": zero stays zero");
        }
        assertEquals(1f, new SymmetricInt4Grid().scale(0), "a block of zeros gets scale 1");
    }

    @Test
    void roundToNearestScalesEachBlockByItsLargestMagnitude() {
        int k = 40; // one full block of 32 and a short one of 8
        int n = 3;
        float[] w = gaussian(k * n, 1);
        BlockwiseWeights q = BlockQuantizer.nearest(w, k, n, 32, new SymmetricInt4Grid());
        assertEquals(2, q.blocks());
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < 2; b++) {
                double max = 0;
                for (int row = b * 32; row < Math.min(k, b * 32 + 32); row++) {
                    max = Math.max(max, Math.abs(w[row * n + j]));
                }
                assertEquals(max / 7, q.scales()[b * n + j], 1e-6);
            }
        }
        float[] back = q.dequantized();
        for (int i = 0; i < w.length; i++) {
            float scale = q.scales()[(i / n) / 32 * n + i % n];
            assertTrue(Math.abs(back[i] - w[i]) <= scale / 2 + 1e-6, "within half a step at " + i);
        }
    }

    @Test
    void smallerBlocksRoundFiner() {
        int k = 512;
        int n = 64;
        float[] w = gaussian(k * n, 4);
        for (FourBitGrid grid : new FourBitGrid[] {new SymmetricInt4Grid(), new NormalFloat4Grid()}) {
            double previous = 0;
            for (int block : new int[] {32, 64, 128}) {
                float[] back = BlockQuantizer.nearest(w, k, n, block, grid).dequantized();
                double error = 0;
                for (int i = 0; i < w.length; i++) {
                    error += (back[i] - w[i]) * (back[i] - w[i]);
                }
                System.out.printf("%s block %d: weight MSE %.3e%n", grid.name(), block, error / w.length);
                assertTrue(error > previous, grid.name() + " block " + block);
                previous = error;
            }
        }
    }

    @Test
    void matMulNBitsLayoutIsTransposedBlockedLowNibbleFirstAndPaddedWithTheZeroPoint() {
        int k = 40;
        int n = 2;
        byte[] codes = new byte[k * n];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i % 16);
        }
        BlockwiseWeights q = new BlockwiseWeights(k, n, 32, new SymmetricInt4Grid(), codes, new float[] {1, 2, 3, 4});
        byte[] packed = q.matMulNBitsCodes();
        assertEquals(n * 2 * 16, packed.length);
        for (int j = 0; j < n; j++) {
            for (int row = 0; row < 64; row++) {
                int b = packed[j * 32 + row / 2] & 0xFF;
                int code = row % 2 == 0 ? b & 0xF : b >> 4;
                assertEquals(row < k ? codes[row * n + j] : 8, code, "column " + j + " row " + row);
            }
        }
        assertArrayEquals(new float[] {1, 3, 2, 4}, q.matMulNBitsScales(), "scales [N][blocks]");
    }

    @Test
    void gptqWithUncorrelatedInputsIsRoundToNearest() {
        int k = 64;
        int n = 5;
        float[] w = gaussian(k * n, 2);
        double[] h = new double[k * k];
        for (int i = 0; i < k; i++) {
            h[i * k + i] = 3.5;
        }
        for (FourBitGrid grid : new FourBitGrid[] {new SymmetricInt4Grid(), new NormalFloat4Grid()}) {
            assertArrayEquals(BlockQuantizer.nearest(w, k, n, 32, grid).codes(),
                    BlockQuantizer.gptq(w, k, n, 32, grid, h).codes(), grid.name());
        }
    }

    @Test
    void gptqLowersTheOutputErrorOnCorrelatedInputs() {
        int k = 96;
        int n = 16;
        int rows = 2000;
        Random random = new Random(7);
        // Inputs with a strong common component: neighbouring features correlate, as image pixels do.
        float[] x = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            double common = random.nextGaussian();
            for (int i = 0; i < k; i++) {
                x[r * k + i] = (float) (0.8 * common + 0.6 * random.nextGaussian());
            }
        }
        double[] h = new double[k * k];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    h[i * k + j] += (double) x[r * k + i] * x[r * k + j];
                }
            }
        }
        float[] w = gaussian(k * n, 3);
        for (FourBitGrid grid : new FourBitGrid[] {new SymmetricInt4Grid(), new NormalFloat4Grid()}) {
            double nearest = outputError(x, w, BlockQuantizer.nearest(w, k, n, 32, grid).dequantized(), rows, k, n);
            double gptq = outputError(x, w, BlockQuantizer.gptq(w, k, n, 32, grid, h).dequantized(), rows, k, n);
            System.out.printf("%s output error: nearest %.4f, GPTQ %.4f%n", grid.name(), nearest, gptq);
            assertTrue(gptq < 0.5 * nearest, grid.name() + ": GPTQ " + gptq + " vs nearest " + nearest);
        }
    }

    @Test
    void inverseCholeskyFactorReproducesTheInverse() {
        int k = 6;
        double[] h = new double[k * k];
        Random random = new Random(11);
        double[] a = new double[k * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (int m = 0; m < k; m++) {
                    h[i * k + j] += a[m * k + i] * a[m * k + j];
                }
            }
            h[i * k + i] += 0.1;
        }
        double[] u = BlockQuantizer.inverseCholeskyUpper(h, k);
        // (U^T U) H = I
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = 0;
                for (int m = 0; m < k; m++) {
                    double inv = 0;
                    for (int p = 0; p < k; p++) {
                        inv += u[p * k + i] * u[p * k + m];
                    }
                    sum += inv * h[m * k + j];
                }
                assertEquals(i == j ? 1 : 0, sum, 1e-9, "entry " + i + "," + j);
                if (j < i) {
                    assertEquals(0, u[i * k + j], "upper triangular");
                }
            }
        }
    }

    /** Mean squared difference of x W and x Q over all outputs. */
    private static double outputError(float[] x, float[] w, float[] q, int rows, int k, int n) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double d = 0;
                for (int i = 0; i < k; i++) {
                    d += x[r * k + i] * ((double) w[i * n + j] - q[i * n + j]);
                }
                sum += d * d;
            }
        }
        return sum / ((double) rows * n);
    }

    private static float[] gaussian(int count, long seed) {
        Random random = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (random.nextGaussian() * 0.1);
        }
        return v;
    }
}
