package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.Rounding;
import java.util.Objects;

/**
 * Turns int32 accumulators back into 8-bit values: {@code (float) (acc + bias) * multiplier} in
 * single precision (the bias added in int32, wrapping like the accumulator), rounded, shifted by
 * the output zero point and saturated.
 *
 * <p>Values no 8-bit output can hold saturate: infinities and any rounded value beyond the int
 * range go to the nearest bound. NaN (only from a NaN or infinite multiplier) becomes the output
 * zero point, the encoding of real 0; ONNX leaves this case undefined, and a fixed answer keeps
 * every backend comparable with this one.
 */
final class Requantizer {

    private Requantizer() {
    }

    static void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                           int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                           int ldOut) {
        Objects.requireNonNull(rounding, "rounding");
        KernelArguments.requireDimensions(m, n, 0);
        KernelArguments.requireInside("acc", acc.length, accOffset, ldAcc, m, n);
        KernelArguments.requireInside("out", out.length, outOffset, ldOut, m, n);
        KernelArguments.requireRequantization(multiplier, bias, n);
        // A single multiplier is read at index 0 for every column, per-column ones at j.
        int multiplierStride = multiplier.length == 1 ? 0 : 1;
        for (int i = 0; i < m; i++) {
            int accRow = accOffset + i * ldAcc;
            int outRow = outOffset + i * ldOut;
            for (int j = 0; j < n; j++) {
                int sum = bias == null ? acc[accRow + j] : acc[accRow + j] + bias[j];
                out[outRow + j] = requantize(sum, multiplier[j * multiplierStride], outZeroPoint, outSigned, rounding);
            }
        }
    }

    /** One value: {@code sum} (bias included) times {@code multiplier}, rounded, shifted and saturated. */
    static byte requantize(int sum, float multiplier, int outZeroPoint, boolean outSigned, Rounding rounding) {
        float scaled = (float) sum * multiplier;
        int rounded = rounding == Rounding.HALF_TO_EVEN ? roundHalfToEven(scaled) : roundHalfAwayFromZero(scaled);
        return (byte) saturate((long) rounded + outZeroPoint, outSigned ? -128 : 0, outSigned ? 127 : 255);
    }

    /** Nearest int, ties to even; saturates beyond the int range, NaN gives 0. */
    static int roundHalfToEven(float value) {
        return (int) Math.rint(value);
    }

    /**
     * Nearest int, ties away from zero; saturates beyond the int range, NaN gives 0. Not
     * {@code floor(|v| + 0.5f)}: that sum rounds 0.49999997f up to 1 and 2^23 + 1 up to 2^23 + 2.
     * {@link Math#round(float)} is exact (ties toward positive infinity), so it is applied to the
     * magnitude.
     */
    static int roundHalfAwayFromZero(float value) {
        return value < 0 ? -Math.round(-value) : Math.round(value);
    }

    private static long saturate(long value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }
}
