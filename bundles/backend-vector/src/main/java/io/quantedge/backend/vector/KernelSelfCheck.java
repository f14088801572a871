package io.quantedge.backend.vector;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A quick check, before the backend is offered, that the vectorized int8 product computes what
 * the contract defines on this JVM and CPU: a small uint8 x int8 product with per-column zero
 * points, with a partial panel, a tail of rows and a single row, against the definition summed
 * directly. It guards against a Vector API intrinsic that miscompiles on some JVM build, which
 * the unit tests on the build machine cannot see.
 */
final class KernelSelfCheck {

    private KernelSelfCheck() {
    }

    static boolean int8ProductMatchesDefinition(Int8GemmKernel kernel) {
        SplittableRandom random = new SplittableRandom(20_261_122L);
        int n = 2 * Int8Tiles.PANEL_WIDTH + 3;
        int k = Int8Tiles.CHUNK + 37;
        for (int m : new int[] {1, 6}) {
            byte[] a = randomBytes(random, m * k);
            byte[] b = randomBytes(random, k * n);
            int aZeroPoint = random.nextInt(256);
            int[] bZeroPoints = random.ints(n, -128, 128).toArray();
            PackedMatrix packed = kernel.pack(b, 0, n, k, n, true, bZeroPoints);
            int[] c = new int[m * n];
            kernel.gemm(m, n, k, a, 0, k, false, aZeroPoint, packed, c, 0, n);
            if (!Arrays.equals(c, definition(m, n, k, a, aZeroPoint, b, bZeroPoints))) {
                return false;
            }
        }
        return true;
    }

    private static int[] definition(int m, int n, int k, byte[] a, int aZeroPoint, byte[] b, int[] bZeroPoints) {
        int[] c = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += ((a[i * k + p] & 0xFF) - aZeroPoint) * (b[p * n + j] - bZeroPoints[j]);
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] values = new byte[length];
        for (int index = 0; index < length; index++) {
            values[index] = (byte) random.nextInt(256);
        }
        return values;
    }
}
