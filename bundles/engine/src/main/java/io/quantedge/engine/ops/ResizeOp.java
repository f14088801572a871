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
 * Resize (opset 10 and 11+) and Upsample (7-9). Modes: nearest on any axes and element type;
 * linear (n-linear) and cubic on any axes for float32 (see {@link SeparableResize}). Every
 * coordinate transformation, tf_crop_and_resize included (its roi is read when running, and
 * outputs outside the input take extrapolation_value; with nearest, for float32 only). Before
 * opset 11 coordinates are "asymmetric" and nearest indices truncate when enlarging and round up
 * when shrinking, as ONNX Runtime does for those opsets.
 */
final class ResizeOp implements Operator {

    private enum Mode { NEAREST, LINEAR, CUBIC }

    private enum Transform { HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC,
        TF_HALF_PIXEL_FOR_NN, TF_CROP_AND_RESIZE }

    /** What linear and cubic modes read beyond the attributes that choose the coordinates. */
    private record Filter(float cubicA, boolean excludeOutside, float extrapolation) {
        static final Filter DEFAULT = new Filter(-0.75f, false, 0f);
    }

    private enum Rounding { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, LEGACY }

    private final NodeContext node;
    private final Mode mode;
    private final Filter filter;
    private final Transform transform;
    private final Rounding rounding;
    private final long[] axesAttr;
    private final float[] scalesAttr;
    private final int scalesInput;
    private final int sizesInput;

    private ResizeOp(NodeContext node, Mode mode, Filter filter, Transform transform, Rounding rounding,
                     long[] axesAttr, float[] scalesAttr, int scalesInput, int sizesInput) {
        this.node = node;
        this.mode = mode;
        this.filter = filter;
        this.transform = transform;
        this.rounding = rounding;
        this.axesAttr = axesAttr;
        this.scalesAttr = scalesAttr;
        this.scalesInput = scalesInput;
        this.sizesInput = sizesInput;
    }

    static Operator resize(NodeContext node) throws ModelLoadException {
        Mode mode = mode(node);
        if (node.opset() < 11) {
            return new ResizeOp(node, mode, Filter.DEFAULT, Transform.ASYMMETRIC, Rounding.LEGACY, null, null, 1, -1);
        }
        String ct = node.stringAttr("coordinate_transformation_mode", "half_pixel");
        Transform transform = switch (ct) {
            case "half_pixel" -> Transform.HALF_PIXEL;
            case "half_pixel_symmetric" -> Transform.HALF_PIXEL_SYMMETRIC;
            case "pytorch_half_pixel" -> Transform.PYTORCH_HALF_PIXEL;
            case "align_corners" -> Transform.ALIGN_CORNERS;
            case "asymmetric" -> Transform.ASYMMETRIC;
            case "tf_half_pixel_for_nn" -> Transform.TF_HALF_PIXEL_FOR_NN;
            case "tf_crop_and_resize" -> Transform.TF_CROP_AND_RESIZE;
            default -> throw node.error(Code.MALFORMED, "unknown coordinate_transformation_mode '" + ct + "'");
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
        Filter filter = new Filter(node.floatAttr("cubic_coeff_a", -0.75f), node.intAttr("exclude_outside", 0) != 0,
                node.floatAttr("extrapolation_value", 0f));
        return new ResizeOp(node, mode, filter, transform, rounding, node.intsAttr("axes"), null, 2, 3);
    }

    static Operator upsample(NodeContext node) throws ModelLoadException {
        Mode mode = mode(node);
        float[] scales = node.opset() < 9 ? node.floatsAttr("scales") : null;
        if (node.opset() < 9 && scales == null) {
            throw node.error(Code.MALFORMED, "attribute 'scales' is required before opset 9");
        }
        return new ResizeOp(node, mode, Filter.DEFAULT, Transform.ASYMMETRIC, Rounding.LEGACY, null, scales, 1, -1);
    }

    private static Mode mode(NodeContext node) throws ModelLoadException {
        String mode = node.stringAttr("mode", "nearest");
        return switch (mode) {
            case "nearest" -> Mode.NEAREST;
            case "linear", "bilinear" -> Mode.LINEAR;
            case "cubic" -> Mode.CUBIC;
            default -> throw node.error(Code.MALFORMED, "unknown mode '" + mode + "' (nearest, linear and cubic exist)");
        };
    }

    /** The axes the scales, sizes and roi list, in their order. */
    private int[] axes(int rank) throws ModelLoadException {
        if (axesAttr != null) {
            return Axes.normalizeAll(node, axesAttr, rank, "axes");
        }
        int[] axes = new int[rank];
        Arrays.setAll(axes, i -> i);
        return axes;
    }

    /** Per-axis scales and output extents of a resize of {@code in}. */
    private record Plan(float[] scales, int[] out) {
    }

    private Plan plan(int[] in, float[] scalesArg, long[] sizesArg) throws ModelLoadException {
        int rank = in.length;
        int[] axes = axes(rank);
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
        if (mode != Mode.NEAREST || transform == Transform.TF_CROP_AND_RESIZE) {
            Operands.requireType(node, x, "X in " + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode"
                    + (mode == Mode.NEAREST ? " with tf_crop_and_resize" : ""), DataType.FP32);
        }
        if (transform == Transform.TF_CROP_AND_RESIZE) {
            TensorType roi = Operands.required(node, inputs, 1, "roi");
            Operands.requireType(node, roi, "roi", DataType.FP32);
            if (roi.size() != 2 * axes(x.rank()).length) {
                throw node.error(Code.INVALID_GRAPH, "roi " + roi + " must hold a start and an end per resized axis ("
                        + 2 * axes(x.rank()).length + " values)");
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
        if (mode == Mode.NEAREST && transform != Transform.TF_CROP_AND_RESIZE) {
            nearest(x, y, plan.scales());
        } else {
            interpolate(x, y, plan.scales(), roi(Operands.input(inputs, 1), x.rank()));
        }
    }

    /** Per axis start and end (fractions of the input) of tf_crop_and_resize's region, else null. */
    private double[][] roi(Value roi, int rank) {
        if (transform != Transform.TF_CROP_AND_RESIZE) {
            return null;
        }
        int[] axes;
        try {
            axes = axes(rank);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e); // infer() accepted the same axes
        }
        double[][] region = new double[rank][];
        for (int d = 0; d < rank; d++) {
            region[d] = new double[] {0, 1};
        }
        for (int i = 0; i < axes.length; i++) {
            region[axes[i]] = new double[] {roi.numberAt(i), roi.numberAt(i + axes.length)};
        }
        return region;
    }

    /** Linear, cubic, or nearest with extrapolation: taps per axis, then one pass per changed axis. */
    private void interpolate(Value x, Value y, float[] scales, double[][] roi) {
        int rank = x.rank();
        SeparableResize.Axis[] axes = new SeparableResize.Axis[rank];
        for (int d = 0; d < rank; d++) {
            int in = x.shape()[d];
            int out = y.shape()[d];
            double[] coordinates = new double[out];
            boolean[] outside = roi == null ? null : new boolean[out];
            for (int o = 0; o < out; o++) {
                double c = roi == null ? original(o, scales[d], in, out) : cropped(o, scales[d], in, roi[d]);
                if (outside != null) {
                    outside[o] = c < 0 || c > in - 1;
                }
                coordinates[o] = mode == Mode.NEAREST ? nearestIndex(c, scales[d], in) : c;
            }
            axes[d] = SeparableResize.axis(coordinates, outside, in, mode == Mode.CUBIC ? 4 : 2, filter.cubicA(),
                    filter.excludeOutside());
        }
        SeparableResize.resize(x, y, axes, filter.extrapolation());
    }

    /** tf_crop_and_resize's coordinate: the output spans [start, end] of the input (as fractions). */
    private static double cropped(int o, float scale, int in, double[] region) {
        double resized = (double) in * scale;
        double start = region[0] * (in - 1);
        double span = (region[1] - region[0]) * (in - 1);
        return resized > 1 ? start + o * span / (resized - 1) : start + span / 2;
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
            case TF_CROP_AND_RESIZE -> throw new IllegalStateException("cropped() computes these");
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
}
