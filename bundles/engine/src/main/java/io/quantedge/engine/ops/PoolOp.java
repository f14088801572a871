package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import io.quantedge.engine.ops.ConvGeometry.Window2d;
import java.util.List;

/**
 * MaxPool and AveragePool over 1-D or 2-D windows. MaxPool also runs on int8 and uint8 tensors
 * (QOperator models pool quantized values directly: the max commutes with the affine mapping).
 */
final class PoolOp implements Operator {
    private final NodeContext node;
    private final ConvGeometry geometry;
    private final boolean max;
    private final boolean countIncludePad;

    private PoolOp(NodeContext node, ConvGeometry geometry, boolean max, boolean countIncludePad) {
        this.node = node;
        this.geometry = geometry;
        this.max = max;
        this.countIncludePad = countIncludePad;
    }

    static Operator maxPool(NodeContext node) throws ModelLoadException {
        if (node.node().outputs().size() > 1 && !node.node().outputs().get(1).isEmpty()) {
            throw node.error(Code.UNSUPPORTED, "the Indices output of MaxPool");
        }
        if (node.intAttr("storage_order", 0) != 0) {
            throw node.error(Code.UNSUPPORTED, "storage_order=1");
        }
        return new PoolOp(node, ConvGeometry.read(node, null, node.opset() >= 10), true, false);
    }

    static Operator averagePool(NodeContext node) throws ModelLoadException {
        return new PoolOp(node, ConvGeometry.read(node, null, node.opset() >= 10), false,
                node.intAttr("count_include_pad", 0) != 0);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        boolean typeOk = x.type() == DataType.FP32 || (max && (x.type() == DataType.INT8 || x.type() == DataType.UINT8));
        if (!typeOk || x.rank() != geometry.spatialRank() + 2) {
            throw node.error(Code.UNSUPPORTED, node.node().opType() + " on " + x + " with a "
                    + geometry.spatialRank() + "-D window");
        }
        Window2d w = ConvShapes.window(geometry, x.shape());
        int[] out = geometry.spatialRank() == 1 ? new int[] {x.shape()[0], x.shape()[1], w.outW()}
                : new int[] {x.shape()[0], x.shape()[1], w.outH(), w.outW()};
        return List.of(new TensorType(x.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        Window2d w = ConvShapes.window(geometry, x.shape());
        int planes = x.shape()[0] * x.shape()[1];
        int inPlane = w.inH() * w.inW();
        int outPlane = w.outH() * w.outW();
        for (int p = 0; p < planes; p++) {
            int inBase = x.offset() + p * inPlane;
            int outBase = y.offset() + p * outPlane;
            switch (x.type()) {
                case FP32 -> poolFloats(x.floats(), inBase, y.floats(), outBase, w);
                case INT8 -> maxBytes(x.bytes(), inBase, y.bytes(), outBase, w, false);
                default -> maxBytes(x.bytes(), inBase, y.bytes(), outBase, w, true);
            }
        }
    }

    private void poolFloats(float[] in, int inBase, float[] out, int outBase, Window2d w) {
        for (int oh = 0; oh < w.outH(); oh++) {
            for (int ow = 0; ow < w.outW(); ow++) {
                float best = Float.NEGATIVE_INFINITY;
                float sum = 0f;
                int count = 0;
                int padded = 0;
                for (int kh = 0; kh < w.kH(); kh++) {
                    int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                    for (int kw = 0; kw < w.kW(); kw++) {
                        int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                        if (ih >= 0 && ih < w.inH() && iw >= 0 && iw < w.inW()) {
                            float v = in[inBase + ih * w.inW() + iw];
                            best = Math.max(best, v);
                            sum += v;
                            count++;
                        } else if (ih < w.inH() + padEnd(0, w) && iw < w.inW() + padEnd(1, w)) {
                            padded++; // explicit padding, not the overhang ceil_mode adds
                        }
                    }
                }
                int divisor = countIncludePad ? count + padded : count;
                out[outBase + oh * w.outW() + ow] = max ? best : (divisor == 0 ? 0f : sum / divisor);
            }
        }
    }

    /** End padding of axis 0 (height) or 1 (width) in the window's 2-D terms. */
    private int padEnd(int axis, Window2d w) {
        if (geometry.spatialRank() == 1) {
            return axis == 0 ? 0 : geometry.padding(0, w.inW())[1];
        }
        return geometry.padding(axis, axis == 0 ? w.inH() : w.inW())[1];
    }

    private static void maxBytes(byte[] in, int inBase, byte[] out, int outBase, Window2d w, boolean unsigned) {
        for (int oh = 0; oh < w.outH(); oh++) {
            for (int ow = 0; ow < w.outW(); ow++) {
                int best = Integer.MIN_VALUE;
                for (int kh = 0; kh < w.kH(); kh++) {
                    int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                    if (ih < 0 || ih >= w.inH()) {
                        continue;
                    }
                    for (int kw = 0; kw < w.kW(); kw++) {
                        int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                        if (iw >= 0 && iw < w.inW()) {
                            byte b = in[inBase + ih * w.inW() + iw];
                            best = Math.max(best, unsigned ? b & 0xFF : b);
                        }
                    }
                }
                out[outBase + oh * w.outW() + ow] = (byte) best;
            }
        }
    }
}
