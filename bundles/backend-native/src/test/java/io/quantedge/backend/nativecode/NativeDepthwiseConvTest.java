package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every variant's depthwise convolution equals the scalar reference bit for bit (the kit runs on the
 * fastest and the portable variant only), including layers large enough to be split over threads.
 */
class NativeDepthwiseConvTest {

    private static final Int8DepthwiseConvKernel REFERENCE = new ScalarBackend()
            .kernel(Int8DepthwiseConvKernel.class).orElseThrow();

    /** channels, image size, kernel size, stride, dilation, pad (all sides). */
    private static final int[][] LAYERS = {
        {16, 48, 3, 1, 1, 1}, {48, 48, 3, 2, 1, 1}, {96, 12, 3, 1, 1, 1}, {480, 3, 3, 1, 1, 1}, {7, 17, 5, 2, 1, 2},
        {5, 19, 3, 1, 2, 2}, {3, 9, 1, 1, 1, 0}, {2, 31, 7, 3, 1, 3}, {64, 64, 3, 1, 1, 1}};

    static Stream<KernelVariant> variants() {
        return Variants.supported();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void matchesTheReferenceOnEveryLayerTypeAndOutput(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            Int8DepthwiseConvKernel kernel = backend.kernel(Int8DepthwiseConvKernel.class).orElseThrow();
            Random random = new Random(5);
            for (int[] layer : LAYERS) {
                for (int combo = 0; combo < 4; combo++) {
                    check(kernel, random, layer, (combo & 1) != 0, (combo & 2) != 0, variant + " " + combo);
                }
            }
        }
    }

    private static void check(Int8DepthwiseConvKernel kernel, Random random, int[] layer, boolean xSigned,
                              boolean wSigned, String context) {
        int channels = layer[0];
        int in = layer[1];
        int k = layer[2];
        int stride = layer[3];
        int dilation = layer[4];
        int pad = layer[5];
        int out = (in + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        ConvWindow window = new ConvWindow(in, in, k, k, stride, stride, dilation, dilation, pad, pad, out, out);
        byte[] x = new byte[channels * window.inPlane()];
        byte[] filters = new byte[channels * window.taps()];
        random.nextBytes(x);
        random.nextBytes(filters);
        int[] zeros = new int[channels];
        int[] bias = new int[channels];
        float[] multipliers = new float[channels];
        for (int c = 0; c < channels; c++) {
            zeros[c] = random.nextInt(256) - (wSigned ? 128 : 0);
            bias[c] = random.nextInt(10_001) - 5_000;
            multipliers[c] = Math.scalb(random.nextFloat() + 0.5f, -6 - random.nextInt(8));
        }
        int xZero = random.nextInt(256) - (xSigned ? 128 : 0);
        PackedMatrix packed = kernel.pack(filters, 0, channels, window.taps(), wSigned, zeros);
        PackedMatrix reference = REFERENCE.pack(filters, 0, channels, window.taps(), wSigned, zeros);
        int[] sums = new int[channels * window.outPlane()];
        int[] expectedSums = sums.clone();
        kernel.convolve(channels, window, x, 0, xSigned, xZero, packed, sums, 0);
        REFERENCE.convolve(channels, window, x, 0, xSigned, xZero, reference, expectedSums, 0);
        assertArrayEquals(expectedSums, sums, context + " sums, layer " + java.util.Arrays.toString(layer));
        for (Rounding rounding : Rounding.values()) {
            byte[] y = new byte[channels * window.outPlane()];
            byte[] expected = y.clone();
            kernel.convolveRequantized(channels, window, x, 0, xSigned, xZero, packed, bias, multipliers, 7, true,
                    rounding, y, 0);
            REFERENCE.convolveRequantized(channels, window, x, 0, xSigned, xZero, reference, bias, multipliers, 7,
                    true, rounding, expected, 0);
            assertArrayEquals(expected, y, context + " " + rounding + ", layer " + java.util.Arrays.toString(layer));
        }
    }
}
