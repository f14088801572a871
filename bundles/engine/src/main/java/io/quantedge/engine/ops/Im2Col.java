package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;

/**
 * Unfolds the input patches of a convolution into a [K x P] matrix (K = channels x kernel area,
 * P = output positions) so the convolution becomes one matrix product. Positions that fall into
 * padding read {@code pad} (0 for float, the zero point for quantized input).
 */
final class Im2Col {

    private Im2Col() {
    }

    static void floats(float[] x, int xOffset, int channels, ConvWindow w, float[] col) {
        int plane = w.inH() * w.inW();
        int positions = w.outH() * w.outW();
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int channelBase = xOffset + c * plane;
            for (int kh = 0; kh < w.kH(); kh++) {
                for (int kw = 0; kw < w.kW(); kw++, row++) {
                    int out = row * positions;
                    for (int oh = 0; oh < w.outH(); oh++) {
                        int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                        boolean rowInside = ih >= 0 && ih < w.inH();
                        for (int ow = 0; ow < w.outW(); ow++, out++) {
                            int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                            col[out] = rowInside && iw >= 0 && iw < w.inW() ? x[channelBase + ih * w.inW() + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The transposed unfolding, [P x K]: one row per output position holding its patch, so the
     * constant weights can be the packed right-hand side of an integer product.
     */
    static void rowsBytes(byte[] x, int xOffset, int channels, ConvWindow w, byte pad, byte[] rows) {
        int plane = w.inH() * w.inW();
        int k = channels * w.kH() * w.kW();
        int position = 0;
        for (int oh = 0; oh < w.outH(); oh++) {
            for (int ow = 0; ow < w.outW(); ow++, position++) {
                int out = position * k;
                for (int c = 0; c < channels; c++) {
                    int channelBase = xOffset + c * plane;
                    for (int kh = 0; kh < w.kH(); kh++) {
                        int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                        boolean rowInside = ih >= 0 && ih < w.inH();
                        for (int kw = 0; kw < w.kW(); kw++, out++) {
                            int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                            rows[out] = rowInside && iw >= 0 && iw < w.inW() ? x[channelBase + ih * w.inW() + iw] : pad;
                        }
                    }
                }
            }
        }
    }

    /** True when the unfolded matrix equals the input itself (1x1 kernel, stride 1, no padding). */
    static boolean isIdentity(ConvWindow w) {
        return w.kH() == 1 && w.kW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.padTop() == 0
                && w.padLeft() == 0 && w.outH() == w.inH() && w.outW() == w.inW();
    }
}
