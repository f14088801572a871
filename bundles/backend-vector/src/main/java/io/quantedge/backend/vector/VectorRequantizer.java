package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.BYTES;
import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.Rounding;
import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Requantization bit-exact with the scalar reference: {@code (float) (acc + bias) * multiplier} in
 * single precision, rounded, plus the output zero point, saturated; NaN gives the zero point.
 *
 * <p>The Vector API of JDK 17 has no rint, so rounding is done with the 2^23 trick: for
 * {@code |x| <= 2^22}, {@code (|x| + 2^23) - 2^23} is |x| rounded half to even (the float grid at
 * 2^23 is the integers and IEEE addition rounds to nearest even), and a tie is recognised exactly
 * as {@code |x| - rounded == 0.5}, which half-away-from-zero then rounds up. Larger values are
 * first clamped to 2^22, which changes no output as long as the zero point is within 2^21: any value
 * beyond 2^22 saturates either way. Other zero points, the columns past the last whole vector, and
 * shapes whose byte vectors cannot hold one lane per int take the scalar loop, which is the
 * reference's arithmetic written out again.
 */
final class VectorRequantizer {

    private static final float CLAMP = 0x1p22f;
    private static final float ROUNDING_MAGIC = 0x1p23f;
    private static final int LARGEST_VECTOR_ZERO_POINT = 1 << 21;

    private VectorRequantizer() {
    }

    static void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                           int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                           int ldOut) {
        Objects.requireNonNull(rounding, "rounding");
        KernelArguments.requireDimensions(m, n, 0);
        KernelArguments.requireInside("acc", acc.length, accOffset, ldAcc, m, n);
        KernelArguments.requireInside("out", out.length, outOffset, ldOut, m, n);
        KernelArguments.requireRequantization(multiplier, bias, n);
        boolean halfToEven = rounding == Rounding.HALF_TO_EVEN;
        int low = outSigned ? -128 : 0;
        int high = outSigned ? 127 : 255;
        boolean vectors = KernelSpecies.BYTES_MATCH_FLOATS && Math.abs((long) outZeroPoint) <= LARGEST_VECTOR_ZERO_POINT;
        int vectorColumns = vectors ? n - n % LANES : 0;
        for (int i = 0; i < m; i++) {
            int accRow = accOffset + i * ldAcc;
            int outRow = outOffset + i * ldOut;
            for (int j = 0; j < vectorColumns; j += LANES) {
                IntVector sum = IntVector.fromArray(INTS, acc, accRow + j);
                if (bias != null) {
                    sum = sum.add(IntVector.fromArray(INTS, bias, j));
                }
                FloatVector scale = multiplier.length == 1 ? FloatVector.broadcast(FLOATS, multiplier[0])
                        : FloatVector.fromArray(FLOATS, multiplier, j);
                storeRequantized(sum, scale, outZeroPoint, low, high, halfToEven, out, outRow + j);
            }
            for (int j = vectorColumns; j < n; j++) {
                int sum = bias == null ? acc[accRow + j] : acc[accRow + j] + bias[j];
                out[outRow + j] = requantize(sum, multiplier[multiplier.length == 1 ? 0 : j], outZeroPoint, low, high,
                        halfToEven);
            }
        }
    }

    /**
     * One channel of a depthwise convolution: {@code count} sums (bias already added) with one
     * multiplier, into consecutive bytes. The caller has checked the arguments; the zero point is a
     * value of the output type, so well within the vector loop's limit.
     */
    static void requantizePlane(int count, int[] sums, float multiplier, int outZeroPoint, boolean outSigned,
                                Rounding rounding, byte[] out, int outOffset) {
        boolean halfToEven = rounding == Rounding.HALF_TO_EVEN;
        int low = outSigned ? -128 : 0;
        int high = outSigned ? 127 : 255;
        int vectorCount = KernelSpecies.BYTES_MATCH_FLOATS ? count - count % LANES : 0;
        FloatVector scale = FloatVector.broadcast(FLOATS, multiplier);
        for (int p = 0; p < vectorCount; p += LANES) {
            storeRequantized(IntVector.fromArray(INTS, sums, p), scale, outZeroPoint, low, high, halfToEven, out,
                    outOffset + p);
        }
        for (int p = vectorCount; p < count; p++) {
            out[outOffset + p] = requantize(sums[p], multiplier, outZeroPoint, low, high, halfToEven);
        }
    }

    private static void storeRequantized(IntVector sum, FloatVector scale, int outZeroPoint, int low, int high,
                                         boolean halfToEven, byte[] out, int offset) {
        FloatVector scaled = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).mul(scale);
        IntVector rounded = KernelSpecies.toInts(round(scaled, halfToEven));
        IntVector result = rounded.add(outZeroPoint).max(low).min(high);
        ((ByteVector) result.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, offset);
    }

    /** The reference's arithmetic for one value: product in float, rounded, plus the zero point, saturated. */
    private static byte requantize(int sum, float multiplier, int outZeroPoint, int low, int high,
                                   boolean halfToEven) {
        float scaled = (float) sum * multiplier;
        int rounded = halfToEven ? (int) Math.rint(scaled) : roundHalfAwayFromZero(scaled);
        return (byte) Math.max(low, Math.min(high, (long) rounded + outZeroPoint));
    }

    /** Rounded lanes, integral and within 2^22; NaN lanes become 0. */
    private static FloatVector round(FloatVector scaled, boolean halfToEven) {
        FloatVector finite = scaled.blend(0f, scaled.test(VectorOperators.IS_NAN));
        FloatVector magnitude = finite.abs().min(CLAMP);
        FloatVector rounded = magnitude.add(ROUNDING_MAGIC).sub(ROUNDING_MAGIC);
        if (!halfToEven) {
            rounded = rounded.add(1f, magnitude.sub(rounded).eq(0.5f));
        }
        return rounded.blend(rounded.neg(), finite.lt(0f));
    }

    /** Ties away from zero, exactly: {@link Math#round(float)} is exact (ties up), so it is applied to the magnitude. */
    static int roundHalfAwayFromZero(float value) {
        return value < 0 ? -Math.round(-value) : Math.round(value);
    }
}
