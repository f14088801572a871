package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Rounding;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The windows the conformance kit's sweep does not reach: strides and pads in the millions, which
 * the phase split keeps small or which widen the output as much, and strides or dilations that
 * would make the padded image huge, which go to the direct loop instead.
 */
class VectorDepthwiseConvTest {

    private final Int8DepthwiseConvKernel kernel = new VectorDepthwiseConv();
    private final Int8DepthwiseConvKernel reference = new ScalarBackend().kernel(Int8DepthwiseConvKernel.class)
            .orElseThrow();

    @Test
    void aStrideOfAMillionKeepsOnlyThePhasesTheTapsRead() {
        ConvWindow window = new ConvWindow(2, 3, 3, 3, 1, 1_000_000, 1, 1, 1, 2_000_000, 3, 5);
        assertNotNull(PhaseSplitImage.of(window));
        assertSameAsReference(window);
    }

    @Test
    void aDilationOfAMillionIsSummedDirectly() {
        ConvWindow window = new ConvWindow(3, 4, 2, 3, 1, 1, 1, 1_000_000, 0, 1_000_000, 2, 5);
        assertNull(PhaseSplitImage.of(window));
        assertSameAsReference(window);
    }

    @Test
    void aRowStrideOfAMillionIsSummedDirectly() {
        ConvWindow window = new ConvWindow(3, 4, 3, 3, 1_000_000, 1, 1, 1, 1, 1, 2, 4);
        assertNull(PhaseSplitImage.of(window));
        assertSameAsReference(window);
    }

    @Test
    void padsOfAMillionArePaddedLikeAnyOtherWhenTheOutputIsAsWide() {
        ConvWindow window = new ConvWindow(2, 2, 3, 3, 1, 1, 1, 1, 1_000_000, 1_000_000, 3, 1_000_002);
        assertNotNull(PhaseSplitImage.of(window));
        assertSameAsReference(window);
    }

    private void assertSameAsReference(ConvWindow window) {
        SplittableRandom random = new SplittableRandom(window.hashCode());
        int channels = 3;
        for (boolean xSigned : new boolean[] {false, true}) {
            for (boolean wSigned : new boolean[] {false, true}) {
                byte[] x = bytes(random, channels * window.inPlane());
                byte[] filters = bytes(random, channels * window.taps());
                int[] wZeros = {zeroPoint(random, wSigned), zeroPoint(random, wSigned), zeroPoint(random, wSigned)};
                int xZero = zeroPoint(random, xSigned);
                String context = (xSigned ? "int8" : "uint8") + " image, " + (wSigned ? "int8" : "uint8") + " filters";

                int[] expectedSums = new int[channels * window.outPlane()];
                int[] actualSums = new int[expectedSums.length];
                reference.convolve(channels, window, x, 0, xSigned, xZero,
                        reference.pack(filters, 0, channels, window.taps(), wSigned, wZeros), expectedSums, 0);
                kernel.convolve(channels, window, x, 0, xSigned, xZero,
                        kernel.pack(filters, 0, channels, window.taps(), wSigned, wZeros), actualSums, 0);
                assertArrayEquals(expectedSums, actualSums, context + ", sums");

                int[] bias = {random.nextInt(2001) - 1000, 0, 77};
                float[] multiplier = {1f / 256, 0.5f, 1f / 64};
                byte[] expected = new byte[expectedSums.length];
                byte[] actual = new byte[expected.length];
                reference.convolveRequantized(channels, window, x, 0, xSigned, xZero,
                        reference.pack(filters, 0, channels, window.taps(), wSigned, wZeros), bias, multiplier, 3,
                        true, Rounding.HALF_TO_EVEN, expected, 0);
                kernel.convolveRequantized(channels, window, x, 0, xSigned, xZero,
                        kernel.pack(filters, 0, channels, window.taps(), wSigned, wZeros), bias, multiplier, 3,
                        true, Rounding.HALF_TO_EVEN, actual, 0);
                assertArrayEquals(expected, actual, context + ", requantized");
            }
        }
    }

    private static byte[] bytes(SplittableRandom random, int count) {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
            values[i] = (byte) random.nextInt(256);
        }
        return values;
    }

    private static int zeroPoint(SplittableRandom random, boolean signed) {
        return random.nextInt(256) - (signed ? 128 : 0);
    }
}
