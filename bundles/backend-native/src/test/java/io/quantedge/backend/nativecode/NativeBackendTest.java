package io.quantedge.backend.nativecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The backend as a whole: variant choice, argument checks before any native call, concurrent use. */
class NativeBackendTest {

    @Test
    void choosesTheFastestVariantAndNamesIt() {
        KernelVariant fastest = KernelVariant.fastest(NativeKernels.supportedVariants());
        try (NativeBackend backend = Variants.backend(NativeBackend.chooseVariant(""), 0)) {
            assertEquals(fastest, backend.variant());
            assertEquals("native-" + fastest.label(), backend.name());
            assertEquals(fastest.cpuFeatures(), backend.requiredCpuFeatures());
            assertEquals(Runtime.getRuntime().availableProcessors(), backend.threads());
        }
    }

    @Test
    void aVariantCanBeForcedByLabelOrSystemProperty() {
        assertEquals(KernelVariant.PORTABLE, NativeBackend.chooseVariant("portable"));
        String before = System.getProperty(NativeBackend.VARIANT_PROPERTY);
        System.setProperty(NativeBackend.VARIANT_PROPERTY, "portable");
        try {
            assertEquals(KernelVariant.PORTABLE, NativeBackend.chooseVariant(""));
        } finally {
            if (before == null) {
                System.clearProperty(NativeBackend.VARIANT_PROPERTY);
            } else {
                System.setProperty(NativeBackend.VARIANT_PROPERTY, before);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> NativeBackend.chooseVariant("sse9"));
    }

    @Test
    void refusesAVariantThisCpuDoesNotRun() {
        int mask = NativeKernels.supportedVariants();
        for (KernelVariant variant : KernelVariant.values()) {
            if (!variant.isIn(mask)) {
                assertThrows(IllegalArgumentException.class, () -> Variants.backend(variant, 1));
            }
        }
    }

    @Test
    void refusesOutOfBoundsOperandsBeforeAnyNativeCall() {
        try (NativeBackend backend = Variants.backend(NativeBackend.chooseVariant(""), 1)) {
            Int8GemmKernel int8 = backend.kernel(Int8GemmKernel.class).orElseThrow();
            PackedMatrix b = int8.pack(new byte[12], 0, 4, 3, 4, true, new int[] {0});
            byte[] a = new byte[6];
            int[] c = new int[8];
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 4, 3, a, 1, 3, true, 0, b, c, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 4, 3, a, 0, 3, true, 0, b, c, 1, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 4, 3, a, -1, 3, true, 0, b, c, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 4, 3, a, 0, 2, true, 0, b, c, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 5, 3, a, 0, 3, true, 0, b, c, 0, 5));
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(-1, 4, 3, a, 0, 3, true, 0, b, c, 0, 4));
            assertThrows(NullPointerException.class, () -> int8.gemm(2, 4, 3, null, 0, 3, true, 0, b, c, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.pack(new byte[11], 0, 4, 3, 4, true, new int[1]));
            assertThrows(IllegalArgumentException.class, () -> int8.pack(new byte[12], 0, 4, 3, 4, true, new int[2]));
            PackedMatrix foreign = new ScalarBackend().kernel(Int8GemmKernel.class).orElseThrow()
                    .pack(new byte[12], 0, 4, 3, 4, true, new int[] {0});
            assertThrows(IllegalArgumentException.class, () -> int8.gemm(2, 4, 3, a, 0, 3, true, 0, foreign, c, 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.requantize(2, 4, c, 1, 4, null, new float[] {1f},
                    0, true, Rounding.HALF_TO_EVEN, new byte[8], 0, 4));
            assertThrows(IllegalArgumentException.class, () -> int8.requantize(2, 4, c, 0, 4, new int[3],
                    new float[] {1f}, 0, true, Rounding.HALF_TO_EVEN, new byte[8], 0, 4));

            FloatGemmKernel floats = backend.kernel(FloatGemmKernel.class).orElseThrow();
            PackedMatrix fb = floats.pack(new float[12], 0, 4, 3, 4);
            assertThrows(IllegalArgumentException.class, () -> floats.gemm(2, 4, 3, new float[5], 0, 3, fb,
                    new float[8], 0, 4, false));
            assertThrows(IllegalArgumentException.class, () -> floats.gemm(2, 4, 3, new float[6], 0, 3,
                    new float[11], 0, 4, new float[8], 0, 4, false));
            assertThrows(IllegalArgumentException.class, () -> floats.gemm(2, 4, 3, new float[6], 0, 3, b,
                    new float[8], 0, 4, false));

            BlockwiseInt4Kernel int4 = backend.kernel(BlockwiseInt4Kernel.class).orElseThrow();
            PackedMatrix w = int4.pack(new byte[32], new float[4], null, 20, 2, 16);
            assertThrows(IllegalArgumentException.class, () -> int4.matmul(1, 2, 20, new float[19], 0, 20, w,
                    new float[2], 0, 2));
            assertThrows(IllegalArgumentException.class, () -> int4.matmul(1, 2, 20, new float[20], 0, 20, w,
                    new float[1], 0, 2));
            assertThrows(IllegalArgumentException.class, () -> int4.pack(new byte[31], new float[4], null, 20, 2, 16));
            assertThrows(IllegalArgumentException.class, () -> int4.pack(new byte[32], new float[4], null, 20, 2, 24));
        }
    }

    @Test
    void concurrentCallersGetTheSameResultsAsOneCaller() throws Exception {
        try (NativeBackend backend = Variants.backend(NativeBackend.chooseVariant(""), 2)) {
            Int8GemmKernel kernel = backend.kernel(Int8GemmKernel.class).orElseThrow();
            Random random = new Random(9);
            int m = 33;
            int n = 200;
            int k = 300;
            byte[] b = NativeInt8GemmTest.randomBytes(random, k * n);
            PackedMatrix packed = kernel.pack(b, 0, n, k, n, true, new int[] {3});
            List<byte[]> inputs = new ArrayList<>();
            List<int[]> expected = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                byte[] a = NativeInt8GemmTest.randomBytes(random, m * k);
                int[] c = new int[m * n];
                kernel.gemm(m, n, k, a, 0, k, false, 128, packed, c, 0, n);
                inputs.add(a);
                expected.add(c);
            }
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int round = 0; round < 40; round++) {
                    int t = round % inputs.size();
                    futures.add(callers.submit(() -> {
                        int[] c = new int[m * n];
                        kernel.gemm(m, n, k, inputs.get(t), 0, k, false, 128, packed, c, 0, n);
                        assertArrayEquals(expected.get(t), c);
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                callers.shutdown();
            }
        }
    }

    @Test
    void reportsNativeBytesOfPackedWeights() {
        try (NativeBackend backend = Variants.backend(NativeBackend.chooseVariant(""), 1)) {
            PackedMatrix packed = backend.kernel(Int8GemmKernel.class).orElseThrow()
                    .pack(new byte[100 * 40], 0, 40, 100, 40, true, new int[] {0});
            // 100 rows padded to 100, 40 columns to 48: the weight bytes alone.
            assertTrue(packed.bytes() >= 100 * 48, () -> "bytes " + packed.bytes());
            assertEquals(100, packed.rows());
            assertEquals(40, packed.columns());
        }
    }
}
