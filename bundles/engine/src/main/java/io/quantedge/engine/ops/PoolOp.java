package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import io.quantedge.engine.ops.ConvGeometry.Depth;
import java.util.List;

/**
 * MaxPool and AveragePool over 1-D, 2-D or 3-D windows (all walked as depth x height x width,
 * missing axes of extent 1). MaxPool also runs on int8 and uint8 tensors (QOperator models pool
 * quantized values directly: the max commutes with the affine mapping), and fills its optional
 * Indices output: the flat index into X of the first maximum of each window (padding never
 * counts), each plane's spatial position laid out row-major (storage_order 0) or column-major (1).
 */
final class PoolOp implements Operator {
    private final NodeContext node;
    private final ConvGeometry geometry;
    private final boolean max;
    private final boolean countIncludePad;
    private final boolean columnMajor;

    private PoolOp(NodeContext node, ConvGeometry geometry, boolean max, boolean countIncludePad,
                   boolean columnMajor) {
        this.node = node;
        this.geometry = geometry;
        this.max = max;
        this.countIncludePad = countIncludePad;
        this.columnMajor = columnMajor;
    }

    static Operator maxPool(NodeContext node) throws ModelLoadException {
        long storageOrder = node.intAttr("storage_order", 0);
        if (storageOrder != 0 && storageOrder != 1) {
            throw node.error(Code.MALFORMED, "storage_order must be 0 (row-major) or 1 (column-major), not "
                    + storageOrder);
        }
        return new PoolOp(node, ConvGeometry.readPooling(node, node.opset() >= 10), true, false, storageOrder == 1);
    }

    static Operator averagePool(NodeContext node) throws ModelLoadException {
        return new PoolOp(node, ConvGeometry.readPooling(node, node.opset() >= 10), false,
                node.intAttr("count_include_pad", 0) != 0, false);
    }

    /** The whole window of an input shape: depth, the 2-D window, and the explicit end padding. */
    private record Window(Depth d, ConvWindow w, int padBottom, int padRight) {
        int inPlane() {
            return d.in() * w.inH() * w.inW();
        }

        int outPlane() {
            return d.out() * w.outH() * w.outW();
        }
    }

    private Window window(int[] xShape) {
        int rank = xShape.length;
        int spatial = geometry.spatialRank();
        int inH = spatial >= 2 ? xShape[rank - 2] : 1;
        int inW = xShape[rank - 1];
        int padBottom = spatial >= 2 ? geometry.padding(spatial - 2, inH)[1] : 0;
        int padRight = geometry.padding(spatial - 1, inW)[1];
        return new Window(geometry.depth(spatial == 3 ? xShape[2] : 1), geometry.window(inH, inW), padBottom,
                padRight);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        boolean typeOk = x.type() == DataType.FP32 || (max && (x.type() == DataType.INT8 || x.type() == DataType.UINT8));
        if (!typeOk || x.rank() != geometry.spatialRank() + 2) {
            throw node.error(Code.UNSUPPORTED, node.node().opType() + " on " + x + " with a "
                    + geometry.spatialRank() + "-D window");
        }
        Window win = window(x.shape());
        int[] out = switch (geometry.spatialRank()) {
            case 1 -> new int[] {x.shape()[0], x.shape()[1], win.w().outW()};
            case 2 -> new int[] {x.shape()[0], x.shape()[1], win.w().outH(), win.w().outW()};
            default -> new int[] {x.shape()[0], x.shape()[1], win.d().out(), win.w().outH(), win.w().outW()};
        };
        TensorType y = new TensorType(x.type(), out);
        return max ? List.of(y, new TensorType(DataType.INT64, out)) : List.of(y);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        Value indices = Operands.output(outputs, 1);
        Window win = window(x.shape());
        int planes = x.shape()[0] * x.shape()[1];
        int inPlane = win.inPlane();
        int outPlane = win.outPlane();
        for (int p = 0; p < planes; p++) {
            int inBase = x.offset() + p * inPlane;
            int outBase = y.offset() + p * outPlane;
            switch (x.type()) {
                case FP32 -> poolFloats(x.floats(), inBase, y.floats(), outBase, win);
                case INT8 -> maxBytes(x.bytes(), inBase, y.bytes(), outBase, win, false);
                default -> maxBytes(x.bytes(), inBase, y.bytes(), outBase, win, true);
            }
            if (indices != null) {
                maxIndices(x, p * inPlane, indices.longs(), indices.offset() + p * outPlane, win);
            }
        }
    }

    private void poolFloats(float[] in, int inBase, float[] out, int outBase, Window win) {
        Depth d = win.d();
        ConvWindow w = win.w();
        int at = outBase;
        for (int od = 0; od < d.out(); od++) {
            for (int oh = 0; oh < w.outH(); oh++) {
                for (int ow = 0; ow < w.outW(); ow++) {
                    float best = Float.NEGATIVE_INFINITY;
                    float sum = 0f;
                    int count = 0;
                    int padded = 0;
                    for (int kd = 0; kd < d.k(); kd++) {
                        int id = od * d.stride() - d.padFront() + kd * d.dilation();
                        for (int kh = 0; kh < w.kH(); kh++) {
                            int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                            for (int kw = 0; kw < w.kW(); kw++) {
                                int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                                if (id >= 0 && id < d.in() && ih >= 0 && ih < w.inH() && iw >= 0 && iw < w.inW()) {
                                    float v = in[inBase + (id * w.inH() + ih) * w.inW() + iw];
                                    best = Math.max(best, v);
                                    sum += v;
                                    count++;
                                } else if (id < d.in() + d.padBack() && ih < w.inH() + win.padBottom()
                                        && iw < w.inW() + win.padRight()) {
                                    padded++; // explicit padding, not the overhang ceil_mode adds
                                }
                            }
                        }
                    }
                    int divisor = countIncludePad ? count + padded : count;
                    out[at++] = max ? best : (divisor == 0 ? 0f : sum / divisor);
                }
            }
        }
    }

    private static void maxBytes(byte[] in, int inBase, byte[] out, int outBase, Window win, boolean unsigned) {
        Depth d = win.d();
        ConvWindow w = win.w();
        int at = outBase;
        for (int od = 0; od < d.out(); od++) {
            for (int oh = 0; oh < w.outH(); oh++) {
                for (int ow = 0; ow < w.outW(); ow++) {
                    int best = Integer.MIN_VALUE;
                    for (int kd = 0; kd < d.k(); kd++) {
                        int id = od * d.stride() - d.padFront() + kd * d.dilation();
                        for (int kh = 0; kh < w.kH(); kh++) {
                            int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                            if (id < 0 || id >= d.in() || ih < 0 || ih >= w.inH()) {
                                continue;
                            }
                            for (int kw = 0; kw < w.kW(); kw++) {
                                int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                                if (iw >= 0 && iw < w.inW()) {
                                    byte b = in[inBase + (id * w.inH() + ih) * w.inW() + iw];
                                    best = Math.max(best, unsigned ? b & 0xFF : b);
                                }
                            }
                        }
                    }
                    out[at++] = (byte) best;
                }
            }
        }
    }

    /**
     * The Indices output for the plane starting at element {@code plane} of X: a second pass over
     * the windows, so the value loops stay as they are; it picks the first element (in window
     * order) holding the max. Rare (MaxUnpool pairs), so it reads elements through numberAt.
     */
    private void maxIndices(Value x, int plane, long[] out, int outBase, Window win) {
        Depth d = win.d();
        ConvWindow w = win.w();
        int at = outBase;
        for (int od = 0; od < d.out(); od++) {
            for (int oh = 0; oh < w.outH(); oh++) {
                for (int ow = 0; ow < w.outW(); ow++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long bestIndex = -1;
                    for (int kd = 0; kd < d.k(); kd++) {
                        int id = od * d.stride() - d.padFront() + kd * d.dilation();
                        for (int kh = 0; kh < w.kH(); kh++) {
                            int ih = oh * w.strideH() - w.padTop() + kh * w.dilationH();
                            for (int kw = 0; kw < w.kW(); kw++) {
                                int iw = ow * w.strideW() - w.padLeft() + kw * w.dilationW();
                                if (id < 0 || id >= d.in() || ih < 0 || ih >= w.inH() || iw < 0 || iw >= w.inW()) {
                                    continue;
                                }
                                double v = x.numberAt(plane + (id * w.inH() + ih) * w.inW() + iw);
                                if (bestIndex < 0 || v > best) {
                                    best = v;
                                    bestIndex = plane + flatIndex(id, ih, iw, d.in(), w.inH(), w.inW());
                                }
                            }
                        }
                    }
                    out[at++] = bestIndex;
                }
            }
        }
    }

    /** Position in a plane, row-major (width fastest) or column-major (depth fastest). */
    private long flatIndex(long id, long ih, long iw, long inD, long inH, long inW) {
        return columnMajor ? id + ih * inD + iw * inD * inH : (id * inH + ih) * inW + iw;
    }
}
