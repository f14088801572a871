package io.quantedge.engine.ops;

import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Value;
import io.quantedge.engine.ops.ConvGeometry.Window2d;

/**
 * Integer depthwise convolution (one input channel per filter), computed directly: per channel and
 * output position, the sum of (x - x_zero) * (w - w_zero[c]) over the window in int32 (wrapping,
 * so the order of the additions does not change the result), then
 * requantized as the product kernels do it ({@code (float) (acc + bias) * multiplier}, rounded half to
 * even, zero point added, saturated). A depthwise layer as products would be one tiny product per
 * channel; as a stencil it is one pass over the image.
 */
final class DepthwiseConvolution {

    private DepthwiseConvolution() {
    }

    static void run(Value x, Value w, int[] wZeros, int xZero, Window2d window, float[] multipliers, int[] bias,
                    int yZero, boolean requantized, Value y) {
        int batch = x.shape()[0];
        int channels = x.shape()[1];
        int plane = window.inH() * window.inW();
        int positions = window.outH() * window.outW();
        int taps = window.kH() * window.kW();
        boolean xSigned = x.type() == DataType.INT8;
        boolean wSigned = w.type() == DataType.INT8;
        long min = y.type() == DataType.INT32 ? Integer.MIN_VALUE : y.type().minValue();
        long max = y.type() == DataType.INT32 ? Integer.MAX_VALUE : y.type().maxValue();
        byte[] in = x.bytes();
        byte[] weights = w.bytes();
        int[] acc = Scratch.ints(1, positions);
        int outH = window.outH();
        int outW = window.outW();
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int inBase = x.offset() + (n * channels + c) * plane;
                java.util.Arrays.fill(acc, 0, positions, 0);
                // Tap by tap over every output position the tap reaches inside the image: padding
                // would add (zero point - zero point) = 0, and the inner loop runs without checks.
                for (int kh = 0; kh < window.kH(); kh++) {
                    int rowShift = kh * window.dilationH() - window.padTop();
                    int ohFirst = firstInside(rowShift, window.strideH());
                    int ohEnd = endInside(rowShift, window.strideH(), window.inH(), outH);
                    for (int kw = 0; kw < window.kW(); kw++) {
                        int tap = w.offset() + c * taps + kh * window.kW() + kw;
                        int wv = (wSigned ? weights[tap] : weights[tap] & 0xFF) - wZeros[c];
                        if (wv == 0) {
                            continue;
                        }
                        int colShift = kw * window.dilationW() - window.padLeft();
                        int owFirst = firstInside(colShift, window.strideW());
                        int owEnd = endInside(colShift, window.strideW(), window.inW(), outW);
                        for (int oh = ohFirst; oh < ohEnd; oh++) {
                            int row = inBase + (oh * window.strideH() + rowShift) * window.inW() + colShift;
                            int out = oh * outW;
                            if (window.strideW() == 1) {
                                if (xSigned) {
                                    for (int ow = owFirst; ow < owEnd; ow++) {
                                        acc[out + ow] += (in[row + ow] - xZero) * wv;
                                    }
                                } else {
                                    for (int ow = owFirst; ow < owEnd; ow++) {
                                        acc[out + ow] += ((in[row + ow] & 0xFF) - xZero) * wv;
                                    }
                                }
                            } else {
                                int stride = window.strideW();
                                for (int ow = owFirst; ow < owEnd; ow++) {
                                    int v = xSigned ? in[row + ow * stride] : in[row + ow * stride] & 0xFF;
                                    acc[out + ow] += (v - xZero) * wv;
                                }
                            }
                        }
                    }
                }
                writeOut(acc, positions, y, y.offset() + (n * channels + c) * positions, requantized,
                        requantized ? multipliers[multipliers.length == 1 ? 0 : c] : 0f, bias == null ? 0 : bias[c],
                        yZero, min, max);
            }
        }
    }

    /** The first output index whose input index {@code o * stride + shift} is not negative. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last output index (below {@code outExtent}) whose input index stays below {@code inExtent}. */
    private static int endInside(int shift, int stride, int inExtent, int outExtent) {
        int last = inExtent - 1 - shift;
        return last < 0 ? 0 : Math.min(outExtent, last / stride + 1);
    }

    private static void writeOut(int[] acc, int positions, Value y, int base, boolean requantized, float multiplier,
                                 int bias, int yZero, long min, long max) {
        if (!requantized) {
            System.arraycopy(acc, 0, y.ints(), base, positions);
            return;
        }
        byte[] out = y.bytes();
        for (int p = 0; p < positions; p++) {
            float real = (float) (acc[p] + bias) * multiplier;
            long q = Float.isNaN(real) ? yZero : (long) Math.rint(real) + yZero;
            out[base + p] = (byte) Math.max(min, Math.min(max, q));
        }
    }
}
