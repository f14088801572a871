package io.quantedge.quantize.graph;

import io.quantedge.quantize.calibration.ValueRange;

/**
 * The arithmetic of linear quantization as ONNX defines it: {@code q = saturate(round_half_even(x /
 * scale) + zero_point)}, {@code x = (q - zero_point) * scale}. Scales are float32, as stored.
 */
public final class LinearQuantization {

    /** Affine int8 parameters of an activation. */
    public record Affine(float scale, int zeroPoint) {
    }

    private LinearQuantization() {
    }

    /** Asymmetric int8 over {@code range} widened to contain 0: 255 steps, zero exactly representable. */
    public static Affine activation(ValueRange range) {
        ValueRange r = range.withZero();
        float scale = (float) ((r.high() - r.low()) / 255);
        if (!(scale > 0) || Float.isInfinite(scale)) {
            scale = 1f;
        }
        long zero = Math.round(Math.rint(-128 - r.low() / scale));
        return new Affine(scale, (int) Math.max(-128, Math.min(127, zero)));
    }

    /** Symmetric int8 scale for weights in [-maxAbs, maxAbs]: codes -127..127, zero point 0. */
    public static float symmetricScale(double maxAbs) {
        float scale = (float) (maxAbs / 127);
        return scale > 0 && !Float.isInfinite(scale) ? scale : 1f;
    }

    public static byte quantizeInt8(float x, float scale, int zeroPoint, int min, int max) {
        double q = Math.rint(x / scale) + zeroPoint;
        return (byte) Math.max(min, Math.min(max, q));
    }

    /** An int32 bias code: saturated to the int32 range. */
    public static int quantizeInt32(float x, float scale) {
        double q = Math.rint((double) x / scale);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
    }
}
