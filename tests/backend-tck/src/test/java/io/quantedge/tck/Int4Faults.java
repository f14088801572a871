package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;

/** 4-bit kernels with one mistake each. */
final class Int4Faults {

    private Int4Faults() {
    }

    /** Takes every zero point to be the default 8. */
    static final class IgnoresZeroPoints implements BlockwiseInt4Kernel {

        private final BlockwiseInt4Kernel scalar = FaultyBackend.scalar(BlockwiseInt4Kernel.class);

        @Override
        public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
            if (zeroPoints != null) {
                int blocks = (k + blockSize - 1) / blockSize;
                if (zeroPoints.length != n * ((blocks + 1) / 2)) {
                    throw new IllegalArgumentException("zero points: wrong length");
                }
            }
            return scalar.pack(quantized, scales, null, k, n, blockSize);
        }

        @Override
        public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c,
                           int cOffset, int ldc) {
            scalar.matmul(m, n, k, a, aOffset, lda, w, c, cOffset, ldc);
        }
    }

    /** Accepts any block size that divides into bytes, as a kernel with no validation would. */
    static final class AcceptsAnyBlockSize implements BlockwiseInt4Kernel {

        private final BlockwiseInt4Kernel scalar = FaultyBackend.scalar(BlockwiseInt4Kernel.class);

        @Override
        public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
            if (blockSize == 24 || blockSize == 48) {
                return scalar.pack(new byte[n * 8], new float[n], null, 16, n, 16);
            }
            return scalar.pack(quantized, scales, zeroPoints, k, n, blockSize);
        }

        @Override
        public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c,
                           int cOffset, int ldc) {
            scalar.matmul(m, n, k, a, aOffset, lda, w, c, cOffset, ldc);
        }
    }
}
