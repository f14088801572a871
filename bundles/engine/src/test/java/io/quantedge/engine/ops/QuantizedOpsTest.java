package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedOpsTest {

    private static Value bytes(DataType type, int[] shape, int... values) {
        Value v = Value.allocate(type, shape);
        for (int i = 0; i < values.length; i++) {
            v.bytes()[i] = (byte) values[i];
        }
        return v;
    }

    private static Value scalar(DataType type, int value) {
        return bytes(type, new int[0], value);
    }

    @Test
    void quantizeRoundsHalfToEvenAndSaturates() throws Exception {
        Value x = Value.ofFloats(new int[] {8}, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000f, -1000f);
        Value y = TestGraphs.runOp("", "QuantizeLinear", 13, Map.of(), x, Value.ofFloats(new int[0], 1f),
                scalar(DataType.INT8, 0))[0];
        assertEquals(DataType.INT8, y.type());
        assertArrayEquals(new long[] {0, 2, 2, 0, -2, -2, 127, -128}, y.toLongArray());
        Value u = TestGraphs.runOp("", "QuantizeLinear", 13, Map.of(), x, Value.ofFloats(new int[0], 1f))[0];
        assertEquals(DataType.UINT8, u.type()); // no zero point: uint8 with zero point 0
        assertArrayEquals(new long[] {0, 2, 2, 0, 0, 0, 255, 0}, u.toLongArray());
    }

    @Test
    void dequantizePerAxisAndBlocked() throws Exception {
        Value q = bytes(DataType.INT8, new int[] {2, 4}, 1, 2, 3, 4, -1, -2, -3, -4);
        Value perAxis = TestGraphs.runOp("", "DequantizeLinear", 13, Map.of("axis", Attribute.ofInt(0)), q,
                Value.ofFloats(new int[] {2}, 0.5f, 2f), bytes(DataType.INT8, new int[] {2}, 1, -1))[0];
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 1.5f, 0f, -2f, -4f, -6f}, perAxis.floats());
        Value blocked = TestGraphs.runOp("", "DequantizeLinear", 21, Map.of("axis", Attribute.ofInt(1),
                "block_size", Attribute.ofInt(2)), q, Value.ofFloats(new int[] {2, 2}, 1f, 10f, 100f, 1000f))[0];
        assertArrayEquals(new float[] {1f, 2f, 30f, 40f, -100f, -200f, -3000f, -4000f}, blocked.floats());
    }

    @Test
    void dynamicQuantizeLinearMatchesTheSpecificationExample() throws Exception {
        // The example in the ONNX operator documentation.
        Value x = Value.ofFloats(new int[] {6}, 0f, 2f, -3f, -2.5f, 1.34f, 0.5f);
        Value[] out = TestGraphs.runOp("", "DynamicQuantizeLinear", 11, Map.of(), 3, x);
        assertEquals(0.0196078438f, out[1].floats()[0], 1e-9f);
        assertEquals(153, out[2].integerAt(0));
        assertArrayEquals(new long[] {153, 255, 0, 26, 221, 179}, out[0].toLongArray());
    }

    @Test
    void matMulIntegerSubtractsPerRowAndPerColumnZeroPoints() throws Exception {
        Value a = bytes(DataType.UINT8, new int[] {2, 3}, 10, 20, 30, 200, 100, 0);
        Value b = bytes(DataType.INT8, new int[] {3, 2}, 1, -1, 2, -2, 3, -3);
        Value y = TestGraphs.runOp("", "MatMulInteger", 10, Map.of(), a, b,
                bytes(DataType.UINT8, new int[] {2}, 10, 100), bytes(DataType.INT8, new int[] {2}, 0, 1))[0];
        assertEquals(DataType.INT32, y.type());
        // row 0: a - 10 = [0, 10, 20]; row 1: a - 100 = [100, 0, -100]; col 1: b - 1 = [-2, -3, -4]
        assertArrayEquals(new long[] {0 + 20 + 60, 0 - 30 - 80, 100 + 0 - 300, -200 + 0 + 400}, y.toLongArray());
    }

    @Test
    void qLinearConvEqualsDequantizeConvolveRequantize() throws Exception {
        Random random = new Random(11);
        int channels = 3, filters = 4, size = 5;
        Value x = Value.allocate(DataType.UINT8, 1, channels, size, size);
        random.nextBytes(x.bytes());
        Value w = Value.allocate(DataType.INT8, filters, channels, 3, 3);
        random.nextBytes(w.bytes());
        float xScale = 0.02f, yScale = 0.9f;
        int xZero = 128, yZero = 5;
        float[] wScale = {0.01f, 0.02f, 0.015f, 0.03f};
        Value bias = Value.allocate(DataType.INT32, filters);
        for (int f = 0; f < filters; f++) {
            bias.ints()[f] = random.nextInt(2000) - 1000;
        }
        Value y = TestGraphs.runOp("", "QLinearConv", 10, Map.of("pads", Attribute.ofInts(1, 1, 1, 1)), x,
                Value.ofFloats(new int[0], xScale), scalar(DataType.UINT8, xZero), w,
                Value.ofFloats(new int[] {filters}, wScale), bytes(DataType.INT8, new int[] {filters}),
                Value.ofFloats(new int[0], yScale), scalar(DataType.UINT8, yZero), bias)[0];
        assertEquals(DataType.UINT8, y.type());
        for (int f = 0; f < filters; f++) {
            for (int oh = 0; oh < size; oh++) {
                for (int ow = 0; ow < size; ow++) {
                    long acc = bias.ints()[f];
                    for (int c = 0; c < channels; c++) {
                        for (int kh = 0; kh < 3; kh++) {
                            for (int kw = 0; kw < 3; kw++) {
                                int ih = oh - 1 + kh, iw = ow - 1 + kw;
                                int xv = ih >= 0 && ih < size && iw >= 0 && iw < size
                                        ? (x.bytes()[(c * size + ih) * size + iw] & 0xFF) : xZero;
                                acc += (long) (xv - xZero) * w.bytes()[((f * channels + c) * 3 + kh) * 3 + kw];
                            }
                        }
                    }
                    float multiplier = xScale * wScale[f] / yScale;
                    long expected = Math.max(0, Math.min(255, (long) Math.rint((float) acc * multiplier) + yZero));
                    assertEquals(expected, y.integerAt((f * size + oh) * size + ow), "filter " + f + " at " + oh + "," + ow);
                }
            }
        }
    }

    @Test
    void matMulNBitsDequantizesBlocksLowNibbleFirst() throws Exception {
        int k = 32, n = 2, block = 16;
        Value a = Value.ofFloats(new int[] {1, k}, new float[k]);
        for (int p = 0; p < k; p++) {
            a.floats()[p] = p % 3 - 1f;
        }
        Value b = Value.allocate(DataType.UINT8, n, k / block, block / 2);
        Random random = new Random(5);
        random.nextBytes(b.bytes());
        float[] scales = {0.5f, 0.25f, 2f, 1f};
        Value y = TestGraphs.runOp("com.microsoft", "MatMulNBits", 1, Map.of("K", Attribute.ofInt(k),
                "N", Attribute.ofInt(n), "bits", Attribute.ofInt(4), "block_size", Attribute.ofInt(block)), a, b,
                Value.ofFloats(new int[] {n * k / block}, scales))[0];
        for (int col = 0; col < n; col++) {
            double sum = 0;
            for (int p = 0; p < k; p++) {
                int packed = b.bytes()[col * (k / 2) + p / 2] & 0xFF;
                int q = p % 2 == 0 ? packed & 0xF : packed >>> 4;
                sum += a.floats()[p] * (q - 8) * scales[col * (k / block) + p / block];
            }
            assertEquals(sum, y.floats()[col], 1e-4);
        }
    }

    @Test
    void unsupportedQuantizationIsRefusedClearly() {
        Value x = Value.ofFloats(new int[] {2}, 1f, 2f);
        var e = assertThrows(ModelLoadException.class, () -> TestGraphs.runOp("", "DequantizeLinear", 13, Map.of(), x,
                Value.ofFloats(new int[0], 1f)));
        assertTrue(e.getMessage().contains("DequantizeLinear of FP32"), e.getMessage());
    }
}
