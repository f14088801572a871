package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Conv against a direct six-loop convolution written independently here. */
class ConvOpTest {

    @ParameterizedTest(name = "C{1} M{2} {3}x{4} k{5} s{6} d{7} p{8} g{9}")
    @CsvSource({
        // batch, channels, filters, H, W, kernel, stride, dilation, pad, group
        "1, 1, 1, 5, 5, 3, 1, 1, 0, 1",
        "2, 3, 4, 7, 6, 3, 1, 1, 1, 1",
        "1, 4, 6, 9, 9, 3, 2, 1, 1, 2",
        "1, 6, 6, 8, 8, 3, 1, 1, 1, 6",   // depthwise
        "1, 2, 3, 9, 9, 3, 1, 2, 2, 1",   // dilated
        "1, 8, 5, 4, 4, 1, 1, 1, 0, 1",   // 1x1, the direct path
        "1, 3, 2, 6, 7, 2, 3, 1, 0, 1",
    })
    void matchesADirectConvolution(int batch, int channels, int filters, int h, int w, int kernel, int stride,
                                   int dilation, int pad, int group) throws Exception {
        Random random = new Random(batch * 1000 + channels * 100 + kernel * 10 + group);
        Value x = Value.ofFloats(new int[] {batch, channels, h, w},
                TestGraphs.randomFloats(random, batch * channels * h * w));
        int cg = channels / group;
        Value weight = Value.ofFloats(new int[] {filters, cg, kernel, kernel},
                TestGraphs.randomFloats(random, filters * cg * kernel * kernel));
        Value bias = Value.ofFloats(new int[] {filters}, TestGraphs.randomFloats(random, filters));
        Map<String, Attribute> attributes = new HashMap<>();
        attributes.put("strides", Attribute.ofInts(stride, stride));
        attributes.put("dilations", Attribute.ofInts(dilation, dilation));
        attributes.put("pads", Attribute.ofInts(pad, pad, pad, pad));
        attributes.put("group", Attribute.ofInt(group));
        Value y = TestGraphs.runOp("", "Conv", 13, attributes, x, weight, bias)[0];

        int outH = (h + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
        int outW = (w + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
        assertArrayEquals(new int[] {batch, filters, outH, outW}, y.shape());
        int fg = filters / group;
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < filters; f++) {
                int g = f / fg;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        double sum = bias.floats()[f];
                        for (int c = 0; c < cg; c++) {
                            for (int kh = 0; kh < kernel; kh++) {
                                for (int kw = 0; kw < kernel; kw++) {
                                    int ih = oh * stride - pad + kh * dilation;
                                    int iw = ow * stride - pad + kw * dilation;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                        sum += x.floats()[((n * channels + g * cg + c) * h + ih) * w + iw]
                                                * weight.floats()[((f * cg + c) * kernel + kh) * kernel + kw];
                                    }
                                }
                            }
                        }
                        float got = y.floats()[((n * filters + f) * outH + oh) * outW + ow];
                        assertEquals(sum, got, 1e-4 * Math.max(1, Math.abs(sum)), "at " + n + "," + f + "," + oh + "," + ow);
                    }
                }
            }
        }
    }

    @Test
    void sameUpperPadsTheEndWhenTheTotalIsOdd() throws Exception {
        // 4 wide, kernel 2, stride 1: output 4 needs one pad, which SAME_UPPER puts at the end.
        Value x = Value.ofFloats(new int[] {1, 1, 1, 4}, 1f, 2f, 3f, 4f);
        Value w = Value.ofFloats(new int[] {1, 1, 1, 2}, 1f, 10f);
        Value y = TestGraphs.runOp("", "Conv", 13, Map.of("auto_pad", Attribute.ofString("SAME_UPPER")), x, w)[0];
        assertArrayEquals(new float[] {21f, 32f, 43f, 4f}, y.floats());
    }

    @Test
    void aChannelMismatchIsAClearLoadError() {
        Value x = Value.allocate(io.quantedge.api.tensor.DataType.FP32, 1, 3, 4, 4);
        Value w = Value.allocate(io.quantedge.api.tensor.DataType.FP32, 2, 2, 3, 3);
        var e = assertThrows(ModelLoadException.class, () -> TestGraphs.runOp("", "Conv", 13, Map.of(), x, w));
        assertTrue(e.getMessage().contains("Conv node 'n' (opset 13)"), e.getMessage());
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
    }
}
