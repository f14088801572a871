package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the conformance kit's random operands never reach: every product at its largest, 15 x 127,
 * where the kernel's 16-bit sums come within 2300 of int16's limit. Scales of 1 (the activations
 * are +-127, so theirs is 1 too) make each output an integer below 2^24, so it must come out exact.
 */
class VectorInt4Int8BlockwiseTest {

    private final BlockwiseInt4Int8Kernel kernel = new VectorInt4Int8Blockwise();

    @ParameterizedTest(name = "block {0}")
    @ValueSource(ints = {16, 32, 64, 128, 256})
    void productsAtTheirLargestStayExact(int blockSize) {
        int k = 8 * blockSize - 8;
        int n = 2 * KernelSpecies.LANES + 3;
        int blocks = (k + blockSize - 1) / blockSize;
        float[] a = new float[2 * k];
        Arrays.fill(a, 0, k, 127f);
        Arrays.fill(a, k, 2 * k, -127f);
        float[] scales = new float[n * blocks];
        Arrays.fill(scales, 1f);
        byte[] allFifteen = new byte[n * blocks * blockSize / 2];
        Arrays.fill(allFifteen, (byte) 0xFF);
        byte[] zeroPointsFifteen = new byte[n * ((blocks + 1) / 2)];
        Arrays.fill(zeroPointsFifteen, (byte) 0xFF);
        // q - zero: 15 - 0, 15 - 8 (the default), 0 - 15.
        assertProducts(allFifteen, scales, new byte[zeroPointsFifteen.length], k, n, blockSize, a, 15);
        assertProducts(allFifteen, scales, null, k, n, blockSize, a, 7);
        assertProducts(new byte[allFifteen.length], scales, zeroPointsFifteen, k, n, blockSize, a, -15);
    }

    private void assertProducts(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize,
                                float[] a, int weight) {
        float[] c = new float[2 * n];
        kernel.matmul(2, n, k, a, 0, k, kernel.pack(quantized, scales, zeroPoints, k, n, blockSize), c, 0, n);
        float expected = (float) weight * 127 * k;
        for (int j = 0; j < n; j++) {
            assertEquals(expected, c[j], "row 0, column " + j + ", q - zero = " + weight);
            assertEquals(-expected, c[n + j], "row 1, column " + j + ", q - zero = " + weight);
        }
    }
}
