package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every variant's int8 products equal the scalar reference bit for bit. */
class NativeInt8GemmTest {

    private static final Int8GemmKernel REFERENCE = new ScalarBackend().kernel(Int8GemmKernel.class).orElseThrow();

    static Stream<KernelVariant> variants() {
        return Variants.supported();
    }

    /** m, n, k: tails of every tile and panel size, single rows and columns, K not a multiple of 4. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 1, 7}, {1, 4096, 3}, {4096, 1, 5}, {1, 100, 1000}, {100, 1, 999}, {2, 3, 4},
            {7, 15, 17}, {8, 16, 4}, {9, 17, 5}, {16, 32, 64}, {17, 33, 65}, {23, 47, 131}, {3, 64, 2},
            {31, 50, 257}, {64, 80, 96}, {5, 200, 1}, {0, 5, 3}, {5, 0, 3}, {4, 6, 0}};

    @ParameterizedTest
    @MethodSource("variants")
    void matchesReferenceForAllShapesAndSignedness(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            Int8GemmKernel kernel = backend.kernel(Int8GemmKernel.class).orElseThrow();
            Random random = new Random(42);
            for (int[] shape : SHAPES) {
                for (int combo = 0; combo < 8; combo++) {
                    boolean aSigned = (combo & 1) != 0;
                    boolean bSigned = (combo & 2) != 0;
                    boolean perColumn = (combo & 4) != 0;
                    check(kernel, random, shape[0], shape[1], shape[2], aSigned, bSigned, perColumn, false);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void matchesReferenceWithOffsetsLeadingDimensionsAndExtremeZeroPoints(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            Int8GemmKernel kernel = backend.kernel(Int8GemmKernel.class).orElseThrow();
            Random random = new Random(7);
            for (int trial = 0; trial < 60; trial++) {
                int m = 1 + random.nextInt(20);
                int n = 1 + random.nextInt(70);
                int k = 1 + random.nextInt(300);
                check(kernel, random, m, n, k, random.nextBoolean(), random.nextBoolean(), random.nextBoolean(),
                        true);
            }
        }
    }

    /** Large K and zero points far outside 8 bits: the int32 sums wrap, and must wrap identically. */
    @ParameterizedTest
    @MethodSource("variants")
    void wrapsInInt32LikeTheReference(KernelVariant variant) {
        try (NativeBackend backend = Variants.backend(variant, 2)) {
            Int8GemmKernel kernel = backend.kernel(Int8GemmKernel.class).orElseThrow();
            int m = 3;
            int n = 37;
            int k = 70_000;
            byte[] a = new byte[m * k];
            byte[] b = new byte[k * n];
            java.util.Arrays.fill(a, (byte) 0xFF);
            java.util.Arrays.fill(b, (byte) 0x80);
            int[] zeroPoints = new int[n];
            for (int j = 0; j < n; j++) {
                zeroPoints[j] = j % 2 == 0 ? 1 << 20 : -(1 << 19) + j;
            }
            for (int combo = 0; combo < 4; combo++) {
                boolean aSigned = (combo & 1) != 0;
                boolean bSigned = (combo & 2) != 0;
                int aZero = aSigned ? -100_000 : 123_456;
                int[] expected = new int[m * n];
                int[] actual = new int[m * n];
                REFERENCE.gemm(m, n, k, a, 0, k, aSigned, aZero, REFERENCE.pack(b, 0, n, k, n, bSigned, zeroPoints),
                        expected, 0, n);
                kernel.gemm(m, n, k, a, 0, k, aSigned, aZero, kernel.pack(b, 0, n, k, n, bSigned, zeroPoints),
                        actual, 0, n);
                assertArrayEquals(expected, actual, variant + " combo " + combo);
            }
        }
    }

    private static void check(Int8GemmKernel kernel, Random random, int m, int n, int k, boolean aSigned,
                              boolean bSigned, boolean perColumn, boolean withOffsets) {
        int aOffset = withOffsets ? random.nextInt(5) : 0;
        int lda = k + (withOffsets ? random.nextInt(4) : 0);
        int bOffset = withOffsets ? random.nextInt(5) : 0;
        int ldb = n + (withOffsets ? random.nextInt(4) : 0);
        int cOffset = withOffsets ? random.nextInt(5) : 0;
        int ldc = n + (withOffsets ? random.nextInt(4) : 0);
        byte[] a = randomBytes(random, aOffset + m * lda);
        byte[] b = randomBytes(random, bOffset + k * ldb);
        int[] zeroPoints = new int[perColumn ? n : 1];
        for (int j = 0; j < zeroPoints.length; j++) {
            zeroPoints[j] = withOffsets && random.nextInt(4) == 0 ? random.nextInt() : zeroPoint(random, bSigned);
        }
        int aZero = withOffsets && random.nextInt(4) == 0 ? random.nextInt() : zeroPoint(random, aSigned);
        int[] expected = new int[cOffset + m * ldc];
        int[] actual = new int[cOffset + m * ldc];
        java.util.Arrays.fill(expected, -77);
        java.util.Arrays.fill(actual, -77);
        PackedMatrix reference = REFERENCE.pack(b, bOffset, ldb, k, n, bSigned, zeroPoints);
        PackedMatrix packed = kernel.pack(b, bOffset, ldb, k, n, bSigned, zeroPoints);
        REFERENCE.gemm(m, n, k, a, aOffset, lda, aSigned, aZero, reference, expected, cOffset, ldc);
        kernel.gemm(m, n, k, a, aOffset, lda, aSigned, aZero, packed, actual, cOffset, ldc);
        assertArrayEquals(expected, actual, () -> m + "x" + n + "x" + k + " a" + (aSigned ? "s8" : "u8") + " b"
                + (bSigned ? "s8" : "u8") + (perColumn ? " per-column" : " per-tensor") + " zero points");
    }

    private static int zeroPoint(Random random, boolean signed) {
        return signed ? random.nextInt(256) - 128 : random.nextInt(256);
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
