package io.quantedge.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reference depthwise convolution against the definition, written here as a plain window loop. */
class ScalarDepthwiseConvTest {

    private final ScalarDepthwiseConv kernel = new ScalarDepthwiseConv();

    @Test
    void sumsAsTheDefinitionForRandomWindows() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int channels = 1 + random.nextInt(5);
            ConvWindow window = randomWindow(random);
            boolean xSigned = random.nextBoolean();
            boolean wSigned = random.nextBoolean();
            byte[] x = randomBytes(random, 3 + channels * window.inPlane());
            byte[] w = randomBytes(random, 2 + channels * window.taps());
            int xZero = zeroPoint(random, xSigned);
            int[] wZeros = new int[random.nextBoolean() ? 1 : channels];
            for (int c = 0; c < wZeros.length; c++) {
                wZeros[c] = zeroPoint(random, wSigned);
            }
            PackedMatrix filters = kernel.pack(w, 2, channels, window.taps(), wSigned, wZeros);
            int[] y = new int[1 + channels * window.outPlane() + 1];
            Arrays.fill(y, 77);
            kernel.convolve(channels, window, x, 3, xSigned, xZero, filters, y, 1);
            int[] expected = definition(channels, window, x, 3, xSigned, xZero, w, 2, wSigned, wZeros);
            assertEquals(77, y[0], "before the output");
            assertEquals(77, y[y.length - 1], "after the output");
            assertArrayEquals(expected, Arrays.copyOfRange(y, 1, y.length - 1), "trial " + trial + ": " + window);
        }
    }

    @Test
    void requantizesEachChannelWithItsBiasAndMultiplier() {
        Random random = new Random(11);
        ConvWindow window = new ConvWindow(5, 6, 3, 3, 1, 2, 1, 1, 1, 2, 5, 4);
        int channels = 3;
        byte[] x = randomBytes(random, channels * window.inPlane());
        byte[] w = randomBytes(random, channels * window.taps());
        int[] wZeros = {3, -4, 0};
        int[] bias = {100, -2000, 5};
        float[] multipliers = {0.01f, 0.5f, Float.NaN};
        PackedMatrix filters = kernel.pack(w, 0, channels, window.taps(), true, wZeros);
        int[] sums = definition(channels, window, x, 0, false, 130, w, 0, true, wZeros);
        for (Rounding rounding : Rounding.values()) {
            byte[] y = new byte[channels * window.outPlane()];
            kernel.convolveRequantized(channels, window, x, 0, false, 130, filters, bias, multipliers, -3, true,
                    rounding, y, 0);
            for (int p = 0; p < y.length; p++) {
                int c = p / window.outPlane();
                assertEquals(Requantizer.requantize(sums[p] + bias[c], multipliers[c], -3, true, rounding), y[p],
                        rounding + " at " + p);
            }
        }
    }

    @Test
    void refusesAZeroPointOutsideItsType() {
        ConvWindow window = new ConvWindow(3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, 3);
        PackedMatrix filters = kernel.pack(new byte[9], 0, 1, 9, true, new int[] {0});
        assertThrows(IllegalArgumentException.class, () -> kernel.pack(new byte[9], 0, 1, 9, true, new int[] {128}));
        assertThrows(IllegalArgumentException.class, () -> kernel.convolve(1, window, new byte[9], 0, false, 256,
                filters, new int[9], 0));
        assertThrows(IllegalArgumentException.class, () -> kernel.convolveRequantized(1, window, new byte[9], 0,
                false, 0, filters, null, new float[] {1f}, -1, false, Rounding.HALF_TO_EVEN, new byte[9], 0));
    }

    private static ConvWindow randomWindow(Random random) {
        int kH = 1 + random.nextInt(4);
        int kW = 1 + random.nextInt(4);
        int strideH = 1 + random.nextInt(3);
        int strideW = 1 + random.nextInt(3);
        int dilationH = 1 + random.nextInt(2);
        int dilationW = 1 + random.nextInt(2);
        int inH = 1 + random.nextInt(9);
        int inW = 1 + random.nextInt(9);
        // Pads up to beyond the kernel's reach, so some windows lie wholly in padding.
        int padTop = random.nextInt(5);
        int padLeft = random.nextInt(5);
        int outH = Math.max(0, (inH + padTop + random.nextInt(5) - dilationH * (kH - 1) - 1) / strideH + 1);
        int outW = Math.max(0, (inW + padLeft + random.nextInt(5) - dilationW * (kW - 1) - 1) / strideW + 1);
        return new ConvWindow(inH, inW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW);
    }

    /** sum over the taps inside the image of (x - xZero) * (w - wZero[c]), per channel and output position. */
    private static int[] definition(int channels, ConvWindow g, byte[] x, int xOffset, boolean xSigned, int xZero,
                                    byte[] w, int wOffset, boolean wSigned, int[] wZeros) {
        int[] sums = new int[channels * g.outPlane()];
        for (int c = 0; c < channels; c++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    int sum = 0;
                    for (int kh = 0; kh < g.kH(); kh++) {
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                                continue;
                            }
                            int xv = ScalarInt8Gemm.value(x[xOffset + (c * g.inH() + ih) * g.inW() + iw], xSigned);
                            int wv = ScalarInt8Gemm.value(w[wOffset + c * g.taps() + kh * g.kW() + kw], wSigned);
                            sum += (xv - xZero) * (wv - wZeros[wZeros.length == 1 ? 0 : c]);
                        }
                    }
                    sums[(c * g.outH() + oh) * g.outW() + ow] = sum;
                }
            }
        }
        return sums;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int zeroPoint(Random random, boolean signed) {
        return random.nextInt(256) - (signed ? 128 : 0);
    }
}
