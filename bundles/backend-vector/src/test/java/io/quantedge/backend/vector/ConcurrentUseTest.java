package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Kernels are shared by every thread of the engine; their per-thread scratch must not leak between calls. */
class ConcurrentUseTest {

    @Test
    void threadsSharingOnePackedMatrixWithDifferentShapesGetTheirOwnExactResults() throws Exception {
        Int8GemmKernel kernel = new VectorInt8Gemm();
        SplittableRandom random = new SplittableRandom(5);
        int n = 3 * Int8Tiles.PANEL_WIDTH + 7;
        int k = 2100;
        byte[] b = new byte[k * n];
        for (int index = 0; index < b.length; index++) {
            b[index] = (byte) random.nextInt(256);
        }
        int[] zeroPoints = random.ints(n, 0, 256).toArray();
        PackedMatrix packed = kernel.pack(b, 0, n, k, n, false, zeroPoints);
        PackedMatrix reference = ReferenceKernels.INT8.pack(b, 0, n, k, n, false, zeroPoints);

        List<byte[]> inputs = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (int task = 0; task < 16; task++) {
            int m = 1 + task % 7 * 3;
            byte[] a = new byte[m * k];
            for (int index = 0; index < a.length; index++) {
                a[index] = (byte) random.nextInt(256);
            }
            int[] c = new int[m * n];
            ReferenceKernels.INT8.gemm(m, n, k, a, 0, k, true, task - 8, reference, c, 0, n);
            inputs.add(a);
            expected.add(c);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int task = 0; task < inputs.size(); task++) {
                    int t = task;
                    runs.add(pool.submit(() -> {
                        byte[] a = inputs.get(t);
                        int m = a.length / k;
                        int[] c = new int[m * n];
                        kernel.gemm(m, n, k, a, 0, k, true, t - 8, packed, c, 0, n);
                        assertArrayEquals(expected.get(t), c, "task " + t);
                    }));
                }
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
