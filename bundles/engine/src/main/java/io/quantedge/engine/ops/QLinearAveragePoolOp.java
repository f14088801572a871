package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Quantized AveragePool and GlobalAveragePool (what QDQ fusion makes of DequantizeLinear ->
 * pool -> QuantizeLinear): inputs x, x_scale, x_zero_point, y_scale, y_zero_point, per tensor.
 * The window sum of {@code x - x_zero_point} is exact in int32; the mean is requantized once:
 * {@code y = saturate(round_half_even(sum * x_scale / count / y_scale) + y_zero_point)}.
 */
final class QLinearAveragePoolOp implements Operator {
    private final NodeContext node;
    private final ConvGeometry geometry;
    private final boolean countIncludePad;

    private QLinearAveragePoolOp(NodeContext node, ConvGeometry geometry, boolean countIncludePad) {
        this.node = node;
        this.geometry = geometry;
        this.countIncludePad = countIncludePad;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        boolean global = node.intAttr("global", 0) != 0;
        ConvGeometry geometry = global ? null : ConvGeometry.read(node, null, node.intAttr("ceil_mode", 0) != 0);
        return new QLinearAveragePoolOp(node, geometry, node.intAttr("count_include_pad", 0) != 0);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        TensorType yZero = inputs.get(4);
        if (!IntegerKernels.is8Bit(x.type()) || !IntegerKernels.is8Bit(yZero.type()) || x.rank() < 3) {
            throw node.error(Code.UNSUPPORTED, "quantized average pooling of " + x);
        }
        int[] out = x.shape().clone();
        if (geometry == null) {
            java.util.Arrays.fill(out, 2, out.length, 1);
        } else {
            if (x.rank() != geometry.spatialRank() + 2) {
                throw node.error(Code.UNSUPPORTED, "a " + geometry.spatialRank() + "-D window on " + x);
            }
            ConvWindow w = ConvShapes.window(geometry, x.shape());
            out[out.length - 1] = w.outW();
            if (geometry.spatialRank() == 2) {
                out[2] = w.outH();
            }
        }
        return List.of(new TensorType(yZero.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        float xScale = inputs[1].floats()[inputs[1].offset()];
        int xZero = (int) inputs[2].integerAt(0);
        float yScale = inputs[3].floats()[inputs[3].offset()];
        int yZero = (int) inputs[4].integerAt(0);
        int planes = x.shape()[0] * x.shape()[1];
        boolean signed = x.type() == io.quantedge.api.tensor.DataType.INT8;
        int min = (int) y.type().minValue();
        int max = (int) y.type().maxValue();
        byte[] in = x.bytes();
        byte[] out = y.bytes();
        if (geometry == null) {
            int area = x.size() / Math.max(1, planes);
            for (int p = 0; p < planes; p++) {
                long sum = 0;
                int base = x.offset() + p * area;
                for (int i = 0; i < area; i++) {
                    sum += (signed ? in[base + i] : in[base + i] & 0xFF) - xZero;
                }
                out[y.offset() + p] = requantize(sum, area, xScale, yScale, yZero, min, max);
            }
            return;
        }
        ConvWindow w = ConvShapes.window(geometry, x.shape());
        int inPlane = w.inH() * w.inW();
        int outPlane = w.outH() * w.outW();
        for (int p = 0; p < planes; p++) {
            int inBase = x.offset() + p * inPlane;
            int outBase = y.offset() + p * outPlane;
            for (int oh = 0; oh < w.outH(); oh++) {
                for (int ow = 0; ow < w.outW(); ow++) {
                    long sum = 0;
                    int count = 0;
                    int padded = 0;
                    for (int kh = 0; kh < w.kH(); kh++) {
                        int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                        for (int kw = 0; kw < w.kW(); kw++) {
                            int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                            if (ih >= 0 && ih < w.inH() && iw >= 0 && iw < w.inW()) {
                                int q = signed ? in[inBase + ih * w.inW() + iw] : in[inBase + ih * w.inW() + iw] & 0xFF;
                                sum += q - xZero;
                                count++;
                            } else if (ih < w.inH() + padEnd(0, w) && iw < w.inW() + padEnd(1, w)) {
                                padded++; // explicit padding counts as zero when count_include_pad is set
                            }
                        }
                    }
                    int divisor = countIncludePad ? count + padded : count;
                    out[outBase + oh * w.outW() + ow] = requantize(sum, divisor, xScale, yScale, yZero, min, max);
                }
            }
        }
    }

    private int padEnd(int axis, ConvWindow w) {
        if (geometry.spatialRank() == 1) {
            return axis == 0 ? 0 : geometry.padding(0, w.inW())[1];
        }
        return geometry.padding(axis, axis == 0 ? w.inH() : w.inW())[1];
    }

    private static byte requantize(long sum, int count, float xScale, float yScale, int yZero, int min, int max) {
        if (count == 0) {
            return (byte) Math.max(min, Math.min(max, yZero));
        }
        float mean = (float) ((double) sum * xScale / count);
        long q = (long) Math.rint(mean / yScale) + yZero;
        return (byte) Math.max(min, Math.min(max, q));
    }
}
