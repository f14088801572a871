package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Depthwise QLinearConv (the direct stencil) against a naive window loop written here. */
class DepthwiseConvolutionTest {

    @ParameterizedTest(name = "{0}x{1} k{2} s{3} d{4} pads {5},{6},{7},{8} signed {9}")
    @CsvSource({
        "7, 9, 3, 1, 1, 1, 1, 1, 1, false",
        "8, 8, 3, 2, 1, 1, 1, 1, 1, true",
        "9, 7, 3, 2, 2, 2, 0, 1, 3, false",
        "5, 6, 5, 1, 1, 0, 2, 2, 0, true",
        "6, 6, 3, 3, 1, 0, 0, 0, 0, false",
        "4, 4, 1, 1, 1, 0, 0, 0, 0, true",
    })
    void matchesANaiveWindowLoop(int h, int w, int k, int stride, int dilation, int padTop, int padLeft, int padBottom,
                                 int padRight, boolean signed) throws Exception {
        Random random = new Random(h * 31 + w * 7 + k + stride + dilation);
        int channels = 5;
        DataType xType = signed ? DataType.INT8 : DataType.UINT8;
        Value x = Value.allocate(xType, 1, channels, h, w);
        random.nextBytes(x.bytes());
        Value weights = Value.allocate(DataType.INT8, channels, 1, k, k);
        random.nextBytes(weights.bytes());
        int xZero = signed ? -3 : 131;
        Value wZero = Value.allocate(DataType.INT8, channels);
        for (int c = 0; c < channels; c++) {
            wZero.bytes()[c] = (byte) (c * 3 - 6);
        }
        float[] wScale = {0.01f, 0.02f, 0.03f, 0.015f, 0.025f};
        Value bias = Value.allocate(DataType.INT32, channels);
        for (int c = 0; c < channels; c++) {
            bias.ints()[c] = random.nextInt(4000) - 2000;
        }
        float xScale = 0.05f;
        float yScale = 0.7f;
        int yZero = signed ? 4 : 120;
        Value zx = Value.allocate(xType);
        zx.bytes()[0] = (byte) xZero;
        Value zy = Value.allocate(xType);
        zy.bytes()[0] = (byte) yZero;
        Value y = TestGraphs.runOp("", "QLinearConv", 10, Map.of("group", Attribute.ofInt(channels),
                        "strides", Attribute.ofInts(stride, stride), "dilations", Attribute.ofInts(dilation, dilation),
                        "pads", Attribute.ofInts(padTop, padLeft, padBottom, padRight)),
                x, Value.ofFloats(new int[0], xScale), zx, weights, Value.ofFloats(new int[] {channels}, wScale), wZero,
                Value.ofFloats(new int[0], yScale), zy, bias)[0];

        int outH = (h + padTop + padBottom - dilation * (k - 1) - 1) / stride + 1;
        int outW = (w + padLeft + padRight - dilation * (k - 1) - 1) / stride + 1;
        long min = xType.minValue();
        long max = xType.maxValue();
        for (int c = 0; c < channels; c++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int acc = 0;
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int ih = oh * stride - padTop + kh * dilation;
                            int iw = ow * stride - padLeft + kw * dilation;
                            int xv = ih >= 0 && ih < h && iw >= 0 && iw < w
                                    ? (int) x.integerAt((c * h + ih) * w + iw) : xZero;
                            acc += (xv - xZero) * (weights.bytes()[(c * k + kh) * k + kw] - wZero.bytes()[c]);
                        }
                    }
                    float multiplier = xScale * wScale[c] / yScale;
                    long expected = Math.max(min, Math.min(max,
                            (long) Math.rint((float) (acc + bias.ints()[c]) * multiplier) + yZero));
                    assertEquals(expected, y.integerAt((c * outH + oh) * outW + ow), "channel " + c + " at " + oh + "," + ow);
                }
            }
        }
    }
}
