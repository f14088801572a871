package io.quantedge.engine.ops;

import io.quantedge.engine.Value;

/**
 * Linear and cubic resizing of float32 tensors on any number of axes, one axis at a time: both
 * filters are products of one-dimensional ones, so a pass per changed axis, each output element a
 * weighted sum of a few input elements along that axis, gives ONNX's n-linear and n-cubic results.
 * Neighbours beyond the edge read the edge element (ONNX pads by repetition); an output whose
 * coordinate lies outside the input (tf_crop_and_resize) takes the extrapolation value.
 */
final class SeparableResize {

    private SeparableResize() {
    }

    /**
     * One axis of the resize: output {@code o} is the sum over {@code t < taps} of
     * {@code weight[o * taps + t] * in[index[o * taps + t]]}, or the extrapolation value where
     * {@code outside[o]}.
     */
    record Axis(int in, int out, int taps, int[] index, float[] weight, boolean[] outside) {
    }

    /**
     * The taps of one axis from the input coordinate of each output index. {@code taps} is 2 for
     * linear (a coordinate that is an integer reads exactly one element, so nearest is linear on
     * rounded coordinates) and 4 for cubic with coefficient {@code a}; with {@code excludeOutside}
     * neighbours beyond the edge get weight 0 and the rest are scaled to sum to 1. Returns null
     * when the axis maps every output index onto the same input index, so it needs no pass.
     */
    static Axis axis(double[] coordinates, boolean[] outside, int in, int taps, float a, boolean excludeOutside) {
        int out = coordinates.length;
        boolean identity = in == out;
        for (int o = 0; o < out && identity; o++) {
            identity = coordinates[o] == o && (outside == null || !outside[o]);
        }
        if (identity) {
            return null;
        }
        int[] index = new int[out * taps];
        float[] weight = new float[out * taps];
        double[] w = new double[taps];
        for (int o = 0; o < out; o++) {
            double floor = Math.floor(coordinates[o]);
            double ratio = coordinates[o] - floor;
            int first = (int) floor - (taps == 4 ? 1 : 0);
            if (taps == 4) {
                cubicCoefficients(ratio, a, w);
            } else {
                w[0] = 1 - ratio;
                w[1] = ratio;
            }
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                int i = first + t;
                if (excludeOutside && (i < 0 || i >= in)) {
                    w[t] = 0;
                }
                sum += w[t];
            }
            for (int t = 0; t < taps; t++) {
                index[o * taps + t] = Math.max(0, Math.min(in - 1, first + t));
                weight[o * taps + t] = (float) (excludeOutside ? w[t] / sum : w[t]);
            }
        }
        return new Axis(in, out, taps, index, weight, outside);
    }

    /**
     * Keys' cubic convolution weights of the four neighbours {@code floor - 1 .. floor + 2} of a
     * coordinate {@code ratio} past its floor (ONNX's cubic_coeff_a is Keys' a).
     */
    static void cubicCoefficients(double ratio, double a, double[] out) {
        out[0] = farWeight(1 + ratio, a);
        out[1] = nearWeight(ratio, a);
        out[2] = nearWeight(1 - ratio, a);
        out[3] = farWeight(2 - ratio, a);
    }

    /** The kernel for distances in [0, 1]. */
    private static double nearWeight(double d, double a) {
        return ((a + 2) * d - (a + 3)) * d * d + 1;
    }

    /** The kernel for distances in [1, 2]. */
    private static double farWeight(double d, double a) {
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    }

    /**
     * Resizes {@code x} into {@code y} along each non-null entry of {@code axes} (one per
     * dimension), through this thread's scratch buffers between passes.
     */
    static void resize(Value x, Value y, Axis[] axes, float extrapolation) {
        int rank = x.rank();
        int last = -1;
        for (int d = 0; d < rank; d++) {
            if (axes[d] != null) {
                last = d;
            }
        }
        if (last < 0) {
            System.arraycopy(x.floats(), x.offset(), y.floats(), y.offset(), y.size());
            return;
        }
        int[] extents = x.shape().clone();
        float[] src = x.floats();
        int srcOffset = x.offset();
        int slot = 0;
        for (int d = 0; d <= last; d++) {
            Axis axis = axes[d];
            if (axis == null) {
                continue;
            }
            int outer = Axes.product(extents, 0, d);
            int inner = Axes.product(extents, d + 1, rank);
            extents[d] = axis.out();
            float[] dst;
            int dstOffset;
            if (d == last) {
                dst = y.floats();
                dstOffset = y.offset();
            } else {
                dst = Scratch.floats(slot, outer * axis.out() * inner);
                dstOffset = 0;
                slot ^= 1;
            }
            pass(src, srcOffset, dst, dstOffset, outer, inner, axis, extrapolation);
            src = dst;
            srcOffset = dstOffset;
        }
    }

    /** One axis: [outer, in, inner] to [outer, out, inner]. */
    private static void pass(float[] src, int srcOffset, float[] dst, int dstOffset, int outer, int inner, Axis axis,
                             float extrapolation) {
        int taps = axis.taps();
        int[] index = axis.index();
        float[] weight = axis.weight();
        boolean[] outside = axis.outside();
        for (int p = 0; p < outer; p++) {
            int from = srcOffset + p * axis.in() * inner;
            for (int o = 0; o < axis.out(); o++) {
                int to = dstOffset + (p * axis.out() + o) * inner;
                if (outside != null && outside[o]) {
                    java.util.Arrays.fill(dst, to, to + inner, extrapolation);
                    continue;
                }
                int row = from + index[o * taps] * inner;
                float w = weight[o * taps];
                for (int j = 0; j < inner; j++) {
                    dst[to + j] = w * src[row + j];
                }
                for (int t = 1; t < taps; t++) {
                    row = from + index[o * taps + t] * inner;
                    w = weight[o * taps + t];
                    for (int j = 0; j < inner; j++) {
                        dst[to + j] += w * src[row + j];
                    }
                }
            }
        }
    }
}
