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
 * ReduceMean, ReduceSum, ReduceMax, ReduceMin over the given axes (an attribute until the opset
 * where they became an input: 13 for ReduceSum, 18 for the others), with keepdims and, from that
 * same opset, noop_with_empty_axes. No axes means all axes unless noop_with_empty_axes is set.
 * Float32 (sums and means in double); ReduceSum/Max/Min also take int32 and int64.
 */
final class ReduceOp implements Operator {

    enum Kind { MEAN, SUM, MAX, MIN }

    private final NodeContext node;
    private final Kind kind;
    private final boolean axesAsInput;
    private final long[] axesAttr;
    private final boolean keepDims;
    private final boolean noopWhenEmpty;

    ReduceOp(NodeContext node, Kind kind) throws ModelLoadException {
        this.node = node;
        this.kind = kind;
        this.axesAsInput = node.opset() >= (kind == Kind.SUM ? 13 : 18);
        this.axesAttr = axesAsInput ? null : node.intsAttr("axes");
        this.keepDims = node.intAttr("keepdims", 1) != 0;
        this.noopWhenEmpty = axesAsInput && node.intAttr("noop_with_empty_axes", 0) != 0;
        if (!axesAsInput && node.hasInput(1)) {
            throw node.error(Code.MALFORMED, "axes is an attribute before opset " + (kind == Kind.SUM ? 13 : 18)
                    + ", not an input");
        }
    }

    /** A mask of reduced axes, or null for "no reduction" (noop_with_empty_axes). */
    private boolean[] reduced(int rank, long[] axes) throws ModelLoadException {
        if (axes == null || axes.length == 0) {
            if (noopWhenEmpty) {
                return null;
            }
            boolean[] all = new boolean[rank];
            Arrays.fill(all, true);
            return all;
        }
        return Axes.mask(Axes.normalizeAll(node, axes, rank, "axes"), rank);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "data");
        if (kind == Kind.MEAN) {
            Operands.requireType(node, x, "data", DataType.FP32);
        } else {
            Operands.requireType(node, x, "data", DataType.FP32, DataType.INT32, DataType.INT64);
        }
        long[] axes = axesAsInput ? Operands.knownIntegers(node, inputs, known, 1, "axes") : axesAttr;
        boolean[] mask = reduced(x.rank(), axes);
        return List.of(new TensorType(x.type(), outputShape(x.shape(), mask)));
    }

    private int[] outputShape(int[] in, boolean[] mask) {
        if (mask == null) {
            return in.clone();
        }
        int[] out = new int[in.length];
        int rank = 0;
        for (int d = 0; d < in.length; d++) {
            if (!mask[d]) {
                out[rank++] = in[d];
            } else if (keepDims) {
                out[rank++] = 1;
            }
        }
        return Arrays.copyOf(out, rank);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        boolean[] mask;
        try {
            Value axesInput = axesAsInput ? Operands.input(inputs, 1) : null;
            mask = reduced(x.rank(), axesAsInput ? (axesInput == null ? null : axesInput.toLongArray()) : axesAttr);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e); // infer() accepted the same axes
        }
        if (mask == null) {
            StridedCopy.whole(x, y);
            return;
        }
        int rank = x.rank();
        int[] strides = Axes.strides(x.shape());
        int[] keptDims = new int[rank];
        int[] keptStrides = new int[rank];
        int[] sumDims = new int[rank];
        int[] sumStrides = new int[rank];
        int kept = 0;
        int summed = 0;
        for (int d = 0; d < rank; d++) {
            if (mask[d]) {
                sumDims[summed] = x.shape()[d];
                sumStrides[summed++] = strides[d];
            } else {
                keptDims[kept] = x.shape()[d];
                keptStrides[kept++] = strides[d];
            }
        }
        ReducedSpace space = ReducedSpace.of(Arrays.copyOf(sumDims, summed), Arrays.copyOf(sumStrides, summed));
        int[] index = new int[kept];
        int base = x.offset();
        for (int o = 0; o < y.size(); o++) {
            reduceInto(x, base, space, y, y.offset() + o);
            for (int d = kept - 1; d >= 0; d--) {
                base += keptStrides[d];
                if (++index[d] < keptDims[d]) {
                    break;
                }
                base -= keptStrides[d] * keptDims[d];
                index[d] = 0;
            }
        }
    }

    private void reduceInto(Value x, int base, ReducedSpace space, Value y, int at) {
        switch (x.type()) {
            case FP32 -> {
                float[] in = x.floats();
                double result = switch (kind) {
                    case SUM -> space.sum(in, base);
                    case MEAN -> space.sum(in, base) / space.count();
                    case MAX -> space.max(in, base);
                    case MIN -> space.min(in, base);
                };
                y.floats()[at] = (float) result;
            }
            case INT32 -> y.ints()[at] = (int) space.integer(kind, x, base - x.offset());
            default -> y.longs()[at] = space.integer(kind, x, base - x.offset());
        }
    }

    /** The reduced axes of one output element, merged where contiguous, walked from a base offset. */
    private record ReducedSpace(int[] dims, int[] strides, int count) {

        static ReducedSpace of(int[] dims, int[] strides) {
            MergedDims merged = MergedDims.merge(dims, strides);
            return new ReducedSpace(merged.dims, merged.strides, io.quantedge.engine.Value.elementCount(dims));
        }

        double sum(float[] in, int base) {
            double sum = 0;
            if (dims.length == 1) {
                int step = strides[0];
                for (int k = 0, n = dims[0]; k < n; k++) {
                    sum += in[base + k * step];
                }
                return sum;
            }
            for (int k = 0; k < count; k++) {
                sum += in[base + offset(k)];
            }
            return sum;
        }

        double max(float[] in, int base) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < count; k++) {
                float v = in[base + offset(k)];
                max = v > max || Float.isNaN(v) ? v : max;
            }
            return max;
        }

        double min(float[] in, int base) {
            float min = Float.POSITIVE_INFINITY;
            for (int k = 0; k < count; k++) {
                float v = in[base + offset(k)];
                min = v < min || Float.isNaN(v) ? v : min;
            }
            return min;
        }

        long integer(Kind kind, Value x, int base) {
            long result = kind == Kind.MAX ? Long.MIN_VALUE : kind == Kind.MIN ? Long.MAX_VALUE : 0;
            for (int k = 0; k < count; k++) {
                long v = x.integerAt(base + offset(k));
                result = switch (kind) {
                    case MAX -> Math.max(result, v);
                    case MIN -> Math.min(result, v);
                    default -> result + v;
                };
            }
            return result;
        }

        /** Offset of the k-th element (row-major over dims). */
        private int offset(int k) {
            if (dims.length == 1) {
                return k * strides[0];
            }
            int offset = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                offset += (k % dims[d]) * strides[d];
                k /= dims[d];
            }
            return offset;
        }
    }

    /** Dimensions with extent 1 dropped and contiguous neighbours merged (at least one dimension). */
    private record MergedDims(int[] dims, int[] strides) {

        static MergedDims merge(int[] dims, int[] strides) {
            int[] d = new int[Math.max(1, dims.length)];
            int[] s = new int[d.length];
            int n = 0;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] == 1) {
                    continue;
                }
                if (n > 0 && s[n - 1] == strides[i] * dims[i]) {
                    d[n - 1] *= dims[i];
                    s[n - 1] = strides[i];
                } else {
                    d[n] = dims[i];
                    s[n++] = strides[i];
                }
            }
            if (n == 0) {
                d[0] = 1; // every reduced extent is 1 (or there are none): one element
                n = 1;
            }
            return new MergedDims(Arrays.copyOf(d, n), Arrays.copyOf(s, n));
        }
    }
}
