package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Resize (opset 10 and 11+) and Upsample (7-9). Modes: nearest on any axes and element type, and
 * linear as bilinear over the last two axes (the others must keep their extent) for float32.
 * Before opset 11 coordinates are "asymmetric" and nearest indices truncate when enlarging and
 * round up when shrinking, as ONNX Runtime does for those opsets.
 */
final class ResizeOp implements Operator {

    private enum Transform { HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC,
        TF_HALF_PIXEL_FOR_NN }

    private enum Rounding { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, LEGACY }

    private final NodeContext node;
    private final boolean linear;
    private final Transform transform;
    private final Rounding rounding;
    private final long[] axesAttr;
    private final float[] scalesAttr;
    private final int scalesInput;
    private final int sizesInput;

    private ResizeOp(NodeContext node, boolean linear, Transform transform, Rounding rounding, long[] axesAttr,
                     float[] scalesAttr, int scalesInput, int sizesInput) {
        this.node = node;
        this.linear = linear;
        this.transform = transform;
        this.rounding = rounding;
        this.axesAttr = axesAttr;
        this.scalesAttr = scalesAttr;
        this.scalesInput = scalesInput;
        this.sizesInput = sizesInput;
    }

    static Operator resize(NodeContext node) throws ModelLoadException {
        boolean linear = linearMode(node);
        if (node.opset() < 11) {
            return new ResizeOp(node, linear, Transform.ASYMMETRIC, Rounding.LEGACY, null, null, 1, -1);
        }
        String ct = node.stringAttr("coordinate_transformation_mode", "half_pixel");
        Transform transform = switch (ct) {
            case "half_pixel" -> Transform.HALF_PIXEL;
            case "half_pixel_symmetric" -> Transform.HALF_PIXEL_SYMMETRIC;
            case "pytorch_half_pixel" -> Transform.PYTORCH_HALF_PIXEL;
            case "align_corners" -> Transform.ALIGN_CORNERS;
            case "asymmetric" -> Transform.ASYMMETRIC;
            case "tf_half_pixel_for_nn" -> Transform.TF_HALF_PIXEL_FOR_NN;
            default -> throw node.error(Code.UNSUPPORTED, "coordinate_transformation_mode '" + ct
                    + "' is not supported (tf_crop_and_resize needs roi, which is not implemented)");
        };
        String nm = node.stringAttr("nearest_mode", "round_prefer_floor");
        Rounding rounding = switch (nm) {
            case "round_prefer_floor" -> Rounding.ROUND_PREFER_FLOOR;
            case "round_prefer_ceil" -> Rounding.ROUND_PREFER_CEIL;
            case "floor" -> Rounding.FLOOR;
            case "ceil" -> Rounding.CEIL;
            default -> throw node.error(Code.MALFORMED, "unknown nearest_mode '" + nm + "'");
        };
        if (node.intAttr("antialias", 0) != 0) {
            throw node.error(Code.UNSUPPORTED, "antialias=1 is not supported");
        }
        String policy = node.stringAttr("keep_aspect_ratio_policy", "stretch");
        if (!policy.equals("stretch")) {
            throw node.error(Code.UNSUPPORTED, "keep_aspect_ratio_policy '" + policy + "' is not supported (stretch is)");
        }
        return new ResizeOp(node, linear, transform, rounding, node.intsAttr("axes"), null, 2, 3);
    }

    static Operator upsample(NodeContext node) throws ModelLoadException {
        boolean linear = linearMode(node);
        float[] scales = node.opset() < 9 ? node.floatsAttr("scales") : null;
        if (node.opset() < 9 && scales == null) {
            throw node.error(Code.MALFORMED, "attribute 'scales' is required before opset 9");
        }
        return new ResizeOp(node, linear, Transform.ASYMMETRIC, Rounding.LEGACY, null, scales, 1, -1);
    }

    private static boolean linearMode(NodeContext node) throws ModelLoadException {
        String mode = node.stringAttr("mode", "nearest");
        return switch (mode) {
            case "nearest" -> false;
            case "linear", "bilinear" -> true;
            default -> throw node.error(Code.UNSUPPORTED, "mode '" + mode + "' is not supported (nearest and linear are)");
        };
    }

    /** Per-axis scales and output extents of a resize of {@code in}. */
    private record Plan(float[] scales, int[] out) {
    }

    private Plan plan(int[] in, float[] scalesArg, long[] sizesArg) throws ModelLoadException {
        int rank = in.length;
        int[] axes;
        if (axesAttr != null) {
            axes = Axes.normalizeAll(node, axesAttr, rank, "axes");
        } else {
            axes = new int[rank];
            Arrays.setAll(axes, i -> i);
        }
        float[] scales = new float[rank];
        int[] out = in.clone();
        Arrays.fill(scales, 1f);
        if (sizesArg != null) {
            if (sizesArg.length != axes.length) {
                throw node.error(Code.INVALID_GRAPH, "sizes " + Arrays.toString(sizesArg) + " must have " + axes.length
                        + " entries");
            }
            for (int i = 0; i < axes.length; i++) {
                out[axes[i]] = Math.toIntExact(sizesArg[i]);
                scales[axes[i]] = in[axes[i]] == 0 ? 1f : (float) sizesArg[i] / in[axes[i]];
            }
        } else if (scalesArg != null) {
            if (scalesArg.length != axes.length) {
                throw node.error(Code.INVALID_GRAPH, "scales " + Arrays.toString(scalesArg) + " must have "
                        + axes.length + " entries");
            }
            for (int i = 0; i < axes.length; i++) {
                if (!(scalesArg[i] > 0)) {
                    throw node.error(Code.INVALID_GRAPH, "scales must be positive, got " + Arrays.toString(scalesArg));
                }
                scales[axes[i]] = scalesArg[i];
                out[axes[i]] = (int) (scalesArg[i] * in[axes[i]]);
            }
        } else {
            throw node.error(Code.MALFORMED, "one of scales and sizes is required");
        }
        return new Plan(scales, out);
    }

    private float[] scalesFrom(Value v) {
        if (v == null || v.size() == 0) {
            return null;
        }
        float[] s = new float[v.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) v.numberAt(i);
        }
        return s;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        float[] scales = scalesAttr;
        long[] sizes = null;
        if (scales == null) {
            TensorType scalesType = Operands.type(inputs, scalesInput);
            if (scalesType != null && scalesType.size() > 0) {
                Operands.requireType(node, scalesType, "scales", DataType.FP32);
                Value v = Operands.known(known, scalesInput);
                if (v == null || v.data() == null) {
                    throw node.error(Code.INVALID_GRAPH, "scales (input " + scalesInput
                            + ") must be known before running: it decides the output shape");
                }
                scales = scalesFrom(v);
            }
            TensorType sizesType = sizesInput < 0 ? null : Operands.type(inputs, sizesInput);
            if (sizesType != null && sizesType.size() > 0) {
                if (scales != null) {
                    throw node.error(Code.INVALID_GRAPH, "give either scales or sizes, not both");
                }
                sizes = Operands.knownIntegers(node, inputs, known, sizesInput, "sizes");
            }
        }
        Plan plan = plan(x.shape(), scales, sizes);
        if (linear) {
            Operands.requireType(node, x, "X in linear mode", DataType.FP32);
            for (int d = 0; d < x.rank() - 2; d++) {
                if (plan.out()[d] != x.shape()[d] || plan.scales()[d] != 1f) {
                    throw node.error(Code.UNSUPPORTED, "linear resize of axis " + d + " is not supported; only the"
                            + " last two axes may change (output " + Arrays.toString(plan.out()) + ")");
                }
            }
        }
        return List.of(new TensorType(x.type(), plan.out()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        float[] scales = scalesAttr;
        long[] sizes = null;
        if (scales == null) {
            scales = scalesFrom(Operands.input(inputs, scalesInput));
            Value sizesValue = sizesInput < 0 ? null : Operands.input(inputs, sizesInput);
            sizes = scales == null && sizesValue != null ? sizesValue.toLongArray() : null;
        }
        Plan plan;
        try {
            plan = plan(x.shape(), scales, sizes);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e); // infer() accepted the same arguments
        }
        if (y.size() == 0) {
            return;
        }
        if (linear) {
            bilinear(x, y, plan.scales());
        } else {
            nearest(x, y, plan.scales());
        }
    }

    /**
     * Where output index {@code o} of an axis falls in input coordinates. The specification's
     * "resized length" is {@code in * scale}, not the rounded output length, which matters for
     * align_corners and pytorch_half_pixel when downscaling by a scale.
     */
    private double original(int o, float scale, int in, int out) {
        double resized = (double) in * scale;
        return switch (transform) {
            case HALF_PIXEL -> (o + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                double adjustment = out / ((double) scale * in);
                double center = in / 2.0;
                yield center * (1 - adjustment) + (o + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> resized > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> resized == 1 ? 0 : (double) o * (in - 1) / (resized - 1);
            case ASYMMETRIC -> o / (double) scale;
            case TF_HALF_PIXEL_FOR_NN -> (o + 0.5) / scale;
        };
    }

    private int nearestIndex(double x, float scale, int in) {
        long i = switch (rounding) {
            case ROUND_PREFER_FLOOR -> x - Math.floor(x) == 0.5 ? (long) Math.floor(x) : Math.round(x);
            case ROUND_PREFER_CEIL -> (long) Math.floor(x + 0.5);
            case FLOOR -> (long) Math.floor(x);
            case CEIL -> (long) Math.ceil(x);
            case LEGACY -> scale < 1 ? (long) Math.ceil(x) : (long) x;
        };
        return (int) Math.max(0, Math.min(in - 1, i));
    }

    private void nearest(Value x, Value y, float[] scales) {
        int rank = x.rank();
        int[] in = x.shape();
        int[] out = y.shape();
        int[] strides = Axes.strides(in);
        int[][] offsets = new int[rank][];
        for (int d = 0; d < rank; d++) {
            offsets[d] = new int[out[d]];
            for (int o = 0; o < out[d]; o++) {
                offsets[d][o] = nearestIndex(original(o, scales[d], in[d], out[d]), scales[d], in[d]) * strides[d];
            }
        }
        if (rank == 0) {
            StridedCopy.whole(x, y);
            return;
        }
        int width = out[rank - 1];
        int[] last = offsets[rank - 1];
        int[] index = new int[rank];
        Object src = x.data();
        Object dst = y.data();
        for (int at = 0; at < y.size(); at += width) {
            int base = x.offset();
            for (int d = 0; d < rank - 1; d++) {
                base += offsets[d][index[d]];
            }
            int to = y.offset() + at;
            if (src instanceof float[] s) {
                float[] t = (float[]) dst;
                for (int j = 0; j < width; j++) {
                    t[to + j] = s[base + last[j]];
                }
            } else {
                for (int j = 0; j < width; j++) {
                    StridedCopy.copy(src, base + last[j], 0, dst, to + j, 1);
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < out[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /** Lower neighbour, upper neighbour and weight of the upper one, per output index of an axis. */
    private record Taps(int[] low, int[] high, float[] weight) {
    }

    private Taps taps(float scale, int in, int out) {
        int[] low = new int[out];
        int[] high = new int[out];
        float[] weight = new float[out];
        for (int o = 0; o < out; o++) {
            double c = Math.max(0, Math.min(in - 1, original(o, scale, in, out)));
            low[o] = (int) c;
            high[o] = Math.min(low[o] + 1, in - 1);
            weight[o] = (float) (c - low[o]);
        }
        return new Taps(low, high, weight);
    }

    private void bilinear(Value x, Value y, float[] scales) {
        int rank = x.rank();
        int inH = rank >= 2 ? x.shape()[rank - 2] : 1;
        int inW = x.shape()[rank - 1];
        int outH = rank >= 2 ? y.shape()[rank - 2] : 1;
        int outW = y.shape()[rank - 1];
        Taps rows = taps(rank >= 2 ? scales[rank - 2] : 1f, inH, outH);
        Taps cols = taps(scales[rank - 1], inW, outW);
        int planes = Axes.product(x.shape(), 0, Math.max(0, rank - 2));
        float[] src = x.floats();
        float[] dst = y.floats();
        for (int p = 0; p < planes; p++) {
            int plane = x.offset() + p * inH * inW;
            int to = y.offset() + p * outH * outW;
            for (int i = 0; i < outH; i++) {
                int top = plane + rows.low()[i] * inW;
                int bottom = plane + rows.high()[i] * inW;
                float dy = rows.weight()[i];
                for (int j = 0; j < outW; j++) {
                    int l = cols.low()[j];
                    int r = cols.high()[j];
                    float dx = cols.weight()[j];
                    float upper = src[top + l] * (1 - dx) + src[top + r] * dx;
                    float lower = src[bottom + l] * (1 - dx) + src[bottom + r] * dx;
                    dst[to + i * outW + j] = upper * (1 - dy) + lower * dy;
                }
            }
        }
    }
}
