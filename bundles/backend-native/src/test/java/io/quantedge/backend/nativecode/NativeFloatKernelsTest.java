package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Float and 4-bit products agree with the scalar reference within a tolerance scaled to the sums. */
class NativeFloatKernelsTest {

    private static final ScalarBackend SCALAR = new ScalarBackend();
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 300, 70}, {300, 1, 33}, {5, 17, 19}, {4, 32, 64},
            {9, 49, 250}, {13, 16, 1}, {2, 100, 513}};

    static Stream<KernelVariant> variants() {
        return Variants.supported();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void floatGemmPackedUnpackedAndAccumulating(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            FloatGemmKernel kernel = backend.kernel(FloatGemmKernel.class).orElseThrow();
            FloatGemmKernel reference = SCALAR.kernel(FloatGemmKernel.class).orElseThrow();
            Random random = new Random(11);
            for (int[] shape : SHAPES) {
                int m = shape[0];
                int n = shape[1];
                int k = shape[2];
                int lda = k + 2;
                int ldb = n + 1;
                int ldc = n + 3;
                float[] a = floats(random, 1 + m * lda);
                float[] b = floats(random, 2 + k * ldb);
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] start = floats(random, 3 + m * ldc);
                    float[] expected = start.clone();
                    float[] packed = start.clone();
                    float[] unpacked = start.clone();
                    reference.gemm(m, n, k, a, 1, lda, b, 2, ldb, expected, 3, ldc, accumulate);
                    kernel.gemm(m, n, k, a, 1, lda, kernel.pack(b, 2, ldb, k, n), packed, 3, ldc, accumulate);
                    kernel.gemm(m, n, k, a, 1, lda, b, 2, ldb, unpacked, 3, ldc, accumulate);
                    assertClose(expected, packed, k, variant + " packed " + m + "x" + n + "x" + k);
                    assertClose(expected, unpacked, k, variant + " unpacked " + m + "x" + n + "x" + k);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void int4MatmulWithAndWithoutZeroPoints(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            BlockwiseInt4Kernel kernel = backend.kernel(BlockwiseInt4Kernel.class).orElseThrow();
            BlockwiseInt4Kernel reference = SCALAR.kernel(BlockwiseInt4Kernel.class).orElseThrow();
            Random random = new Random(5);
            for (int[] shape : SHAPES) {
                for (int blockSize : new int[] {16, 32, 128}) {
                    int m = shape[0];
                    int n = shape[1];
                    int k = shape[2];
                    int blocks = (k + blockSize - 1) / blockSize;
                    byte[] quantized = NativeInt8GemmTest.randomBytes(random, n * blocks * blockSize / 2);
                    float[] scales = floats(random, n * blocks);
                    byte[] zeros = random.nextBoolean() ? null
                            : NativeInt8GemmTest.randomBytes(random, n * ((blocks + 1) / 2));
                    int lda = k + 1;
                    float[] a = floats(random, 2 + m * lda);
                    float[] expected = new float[m * n];
                    float[] actual = new float[m * n];
                    reference.matmul(m, n, k, a, 2, lda, reference.pack(quantized, scales, zeros, k, n, blockSize),
                            expected, 0, n);
                    kernel.matmul(m, n, k, a, 2, lda, kernel.pack(quantized, scales, zeros, k, n, blockSize), actual,
                            0, n);
                    assertClose(expected, actual, k * 8, variant + " int4 " + m + "x" + n + "x" + k + "/" + blockSize);
                }
            }
        }
    }

    /** |error| within 1e-5 of a sum of k terms each of magnitude up to {@code bound} (inputs in [-1, 1]). */
    private static void assertClose(float[] expected, float[] actual, int bound, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * (bound + 1), what + " at " + i);
        }
    }

    private static float[] floats(Random random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
