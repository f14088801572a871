package io.quantedge.backend.vector;

import io.quantedge.api.kernel.ConvWindow;

/**
 * Depthwise sums output by output with a bounds test per tap, for windows whose padded layout
 * would be far larger than the image (see {@link PhaseSplitImage#of}): there almost every tap is
 * padding, so testing is cheaper than copying.
 */
final class DirectDepthwiseSums {

    private DirectDepthwiseSums() {
    }

    /** {@code bias} plus the sums of one channel, row after row into {@code sums}; weights already centered. */
    static void sum(ConvWindow window, byte[] x, int plane, boolean xSigned, int xZeroPoint, int[] weights,
                    int firstWeight, int bias, int[] sums) {
        int outW = window.outW();
        for (int oh = 0; oh < window.outH(); oh++) {
            int top = oh * window.strideH() - window.padTop();
            for (int ow = 0; ow < outW; ow++) {
                int left = ow * window.strideW() - window.padLeft();
                int sum = bias;
                for (int kh = 0; kh < window.kH(); kh++) {
                    int ih = top + kh * window.dilationH();
                    if (ih < 0 || ih >= window.inH()) {
                        continue;
                    }
                    int row = plane + ih * window.inW();
                    int tap = firstWeight + kh * window.kW();
                    for (int kw = 0; kw < window.kW(); kw++) {
                        int iw = left + kw * window.dilationW();
                        if (iw >= 0 && iw < window.inW()) {
                            int value = xSigned ? x[row + iw] : x[row + iw] & 0xFF;
                            sum += (value - xZeroPoint) * weights[tap + kw];
                        }
                    }
                }
                sums[oh * outW + ow] = sum;
            }
        }
    }
}
