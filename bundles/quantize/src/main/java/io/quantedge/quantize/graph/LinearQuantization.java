package io.quantedge.quantize.graph;

import io.quantedge.quantize.calibration.ValueRange;

/**
 * The arithmetic of linear quantization as ONNX defines it: {@code q = saturate(round_half_even(x /
 * scale) + zero_point)}, {@code x = (q - zero_point) * scale}. Scales are float32, as stored.
 */
public final class LinearQuantization {

    /** Symmetric int8 weights: the codes (-127..127, zero point 0) and one scale per channel. */
    public record SymmetricInt8(byte[] codes, float[] scales) {
    }

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

    /**
     * Weights of shape {@code dims} quantized symmetrically to int8 with one scale per index along
     * {@code axis} ({@code max|w| / 127} of that slice), or one scale for all when {@code axis < 0}.
     */
    public static SymmetricInt8 symmetricInt8(float[] values, int[] dims, int axis) {
        int channels = axis < 0 ? 1 : dims[axis];
        int inner = 1;
        for (int d = axis + 1; d < dims.length && axis >= 0; d++) {
            inner *= dims[d];
        }
        double[] maxAbs = new double[channels];
        for (int i = 0; i < values.length; i++) {
            int c = axis < 0 ? 0 : (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = symmetricScale(maxAbs[c]);
        }
        byte[] codes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int c = axis < 0 ? 0 : (i / inner) % channels;
            codes[i] = quantizeInt8(values[i], scales[c], 0, -127, 127);
        }
        return new SymmetricInt8(codes, scales);
    }
}
