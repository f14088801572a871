package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;

/**
 * Correct kernels that round differently from the scalar backend, as vector kernels do: float
 * sums in eight interleaved lanes with fused multiply-adds, and 4-bit blocks summed before their
 * scale is applied. The kit must pass them; a tolerance that failed them would be too tight.
 */
final class ReorderedSums {

    private static final int LANES = 8;

    private ReorderedSums() {
    }

    /** B copied densely, N columns a row. */
    private record DenseFloats(float[] values, int rows, int columns) implements PackedMatrix {

        @Override
        public long bytes() {
            return 4L * values.length;
        }
    }

    static final class FloatGemm implements FloatGemmKernel {

        @Override
        public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
            float[] dense = new float[k * n];
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, offset + p * ldb, dense, p * n, n);
            }
            return new DenseFloats(dense, k, n);
        }

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                         int ldc, boolean accumulate) {
            gemm(m, n, k, a, aOffset, lda, ((DenseFloats) b).values(), 0, n, c, cOffset, ldc, accumulate);
        }

        @Override
        public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
            float[] lanes = new float[LANES];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    Arrays.fill(lanes, 0f);
                    for (int p = 0; p < k; p++) {
                        lanes[p % LANES] = Math.fma(a[aOffset + i * lda + p], b[bOffset + p * ldb + j], lanes[p % LANES]);
                    }
                    float sum = pairwise(lanes);
                    int index = cOffset + i * ldc + j;
                    c[index] = accumulate ? c[index] + sum : sum;
                }
            }
        }
    }

    /** MatMulNBits weights as given. */
    private record Int4(Int4Weights weights) implements PackedMatrix {

        @Override
        public int rows() {
            return weights.k();
        }

        @Override
        public int columns() {
            return weights.n();
        }

        @Override
        public long bytes() {
            return weights.quantized().length;
        }
    }

    static final class BlockwiseInt4 implements BlockwiseInt4Kernel {

        private final BlockwiseInt4Kernel scalar = FaultyBackend.scalar(BlockwiseInt4Kernel.class);

        @Override
        public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
            scalar.pack(quantized, scales, zeroPoints, k, n, blockSize); // for its validation
            return new Int4(new Int4Weights(quantized.clone(), scales.clone(),
                    zeroPoints == null ? null : zeroPoints.clone(), k, n, blockSize));
        }

        @Override
        public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c,
                           int cOffset, int ldc) {
            Int4Weights weights = ((Int4) w).weights();
            int blockSize = weights.blockSize();
            float[] lanes = new float[LANES];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float total = 0f;
                    for (int start = 0; start < k; start += blockSize) {
                        Arrays.fill(lanes, 0f);
                        for (int p = start; p < Math.min(k, start + blockSize); p++) {
                            // q - zero without the scale: the scale multiplies the block's sum once.
                            lanes[p % LANES] = Math.fma(a[aOffset + i * lda + p], weights.level(j, p), lanes[p % LANES]);
                        }
                        total = Math.fma(pairwise(lanes), weights.scale(j, start), total);
                    }
                    c[cOffset + i * ldc + j] = total;
                }
            }
        }
    }

    private static float pairwise(float[] lanes) {
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }
}
