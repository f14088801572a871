package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;

/**
 * Int8-activation 4-bit kernels built as "quantize A, dequantize it, multiply in float": exact
 * enough to pass when the quantization is right (the sums just come in another order), so each
 * subclass's one mistake in the quantization is the only thing the kit can catch.
 */
abstract class Int4Int8Faults implements BlockwiseInt4Int8Kernel {

    private final BlockwiseInt4Kernel floats = FaultyBackend.scalar(BlockwiseInt4Kernel.class);
    private int blockSize;

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        PackedMatrix packed = floats.pack(quantized, scales, zeroPoints, k, n, blockSize);
        this.blockSize = blockSize;
        return packed;
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        if (m <= 0 || k <= 0 || a == null || aOffset < 0 || lda < k || (long) aOffset + (long) (m - 1) * lda + k > a.length) {
            floats.matmul(m, n, k, a, aOffset, lda, w, c, cOffset, ldc); // let the float kernel refuse it
            return;
        }
        float[] dequantized = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int first = 0; first < k; first += blockSize) {
                int end = Math.min(k, first + blockSize);
                float scale = scale(a, aOffset + i * lda, first, end, k) / 127f;
                float inverse = scale == 0 ? 0 : 1f / scale;
                for (int p = first; p < end; p++) {
                    dequantized[i * k + p] = round(a[aOffset + i * lda + p] * inverse) * scale;
                }
            }
        }
        floats.matmul(m, n, k, dequantized, 0, k, w, c, cOffset, ldc);
    }

    /** The largest magnitude that maps to 127. */
    float scale(float[] a, int row, int first, int end, int k) {
        float amax = 0;
        for (int p = first; p < end; p++) {
            amax = Math.max(amax, Math.abs(a[row + p]));
        }
        return amax;
    }

    float round(float value) {
        return Math.max(-127, Math.min(127, (float) Math.rint(value)));
    }

    /** No mistake: shows the faults below are caught for their quantization, not their summation order. */
    static final class Correct extends Int4Int8Faults {
    }

    /** Rounds halves away from zero (Math.round's habit for positives) instead of to even. */
    static final class TiesAwayFromZero extends Int4Int8Faults {
        @Override
        float round(float value) {
            return Math.max(-127, Math.min(127, Math.signum(value) * (float) Math.floor(Math.abs(value) + 0.5f)));
        }
    }

    /** One scale for the whole row instead of one per block. */
    static final class ScalesPerRow extends Int4Int8Faults {
        @Override
        float scale(float[] a, int row, int first, int end, int k) {
            return super.scale(a, row, 0, k, k);
        }
    }
}
