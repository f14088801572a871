package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints GOP/s of the headline products, run by hand: {@code mvn ... verify -Dquantedge.benchmark=true
 * -Dtest=KernelThroughputReport}. A report, not an assertion: timings on shared machines vary.
 */
@EnabledIfSystemProperty(named = "quantedge.benchmark", matches = "true")
class KernelThroughputReport {

    @Test
    void report() {
        Random random = new Random(1);
        for (KernelVariant variant : Variants.supported().toList()) {
            for (int threads : new int[] {1, 2}) {
                try (NativeBackend backend = Variants.backend(variant, threads)) {
                    measure(backend, threads, random, variant == KernelVariant.PORTABLE);
                }
            }
        }
        measure(new ScalarBackend(), 1, random, true);
    }

    private static void measure(KernelBackend backend, int threads, Random random, boolean slow) {
        Int8GemmKernel int8 = backend.kernel(Int8GemmKernel.class).orElseThrow();
        int k = 4096;
        int n = 4096;
        byte[] b = NativeInt8GemmTest.randomBytes(random, k * n);
        PackedMatrix packed = int8.pack(b, 0, n, k, n, true, new int[] {0});
        int m = slow ? 8 : 256;
        byte[] a = NativeInt8GemmTest.randomBytes(random, m * k);
        int[] c = new int[m * n];
        double gemm = rate(2.0 * m * n * k, () -> int8.gemm(m, n, k, a, 0, k, false, 128, packed, c, 0, n));
        double gemv = rate(2.0 * n * k, () -> int8.gemm(1, n, k, a, 0, k, false, 128, packed, c, 0, n));
        BlockwiseInt4Kernel int4 = backend.kernel(BlockwiseInt4Kernel.class).orElseThrow();
        int blockSize = 32;
        byte[] quantized = NativeInt8GemmTest.randomBytes(random, n * k / 2);
        float[] scales = new float[n * k / blockSize];
        java.util.Arrays.fill(scales, 0.01f);
        PackedMatrix w = int4.pack(quantized, scales, null, k, n, blockSize);
        float[] x = new float[k];
        float[] y = new float[n];
        double q4 = rate(2.0 * n * k, () -> int4.matmul(1, n, k, x, 0, k, w, y, 0, n));
        System.out.printf("%-20s threads=%d  INT8 GEMM %dx%dx%d %8.1f GOP/s  INT8 GEMV %dx%d %6.1f GOP/s  "
                        + "INT4 GEMV %dx%d/%d %6.1f GOP/s%n", backend.name(), threads, m, n, k, gemm, n, k, gemv, n,
                k, blockSize, q4);
    }

    /** Best of several timed runs after a warm-up, in 10^9 operations a second. */
    private static double rate(double operations, Runnable product) {
        product.run();
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int run = 0; run < 20 && (run < 3 || System.nanoTime() < deadline); run++) {
            long start = System.nanoTime();
            product.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return operations / best;
    }
}
