package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Slice: starts, ends and axes as attributes before opset 10; from 10 on starts, ends, axes and
 * steps as inputs. Negative starts and ends count from the end; they are then clamped as the spec
 * says ([0, dim] for positive steps, [-1, dim-1] for negative ones), so INT64_MAX means "to the end".
 */
final class SliceOp implements Operator {

    private final NodeContext node;
    private final long[] startsAttr;
    private final long[] endsAttr;
    private final long[] axesAttr;

    SliceOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        boolean attributes = node.opset() < 10;
        this.startsAttr = attributes ? node.intsAttr("starts") : null;
        this.endsAttr = attributes ? node.intsAttr("ends") : null;
        this.axesAttr = attributes ? node.intsAttr("axes") : null;
        if (attributes && (startsAttr == null || endsAttr == null)) {
            throw node.error(Code.MALFORMED, "attributes 'starts' and 'ends' are required before opset 10");
        }
    }

    /** Per axis of the data: first element, step, and element count taken. */
    private record Window(int[] start, int[] step, int[] count) {
    }

    private Window window(int[] shape, long[] starts, long[] ends, long[] axes, long[] steps)
            throws ModelLoadException {
        int rank = shape.length;
        if (ends.length != starts.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw node.error(Code.INVALID_GRAPH, "starts, ends, axes and steps must have the same length: "
                    + Arrays.toString(starts) + ", " + Arrays.toString(ends) + ", " + Arrays.toString(axes) + ", "
                    + Arrays.toString(steps));
        }
        int[] axisOf = axes != null ? Axes.normalizeAll(node, axes, rank, "axes") : null;
        if (axisOf == null) {
            if (starts.length > rank) {
                throw node.error(Code.INVALID_GRAPH, starts.length + " starts for rank " + rank);
            }
            axisOf = new int[starts.length];
            Arrays.setAll(axisOf, i -> i);
        }
        int[] start = new int[rank];
        int[] step = new int[rank];
        int[] count = shape.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int axis = axisOf[i];
            long dim = shape[axis];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw node.error(Code.INVALID_GRAPH, "step 0 on axis " + axis + " is not allowed");
            }
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            long n;
            if (st > 0) {
                b = clamp(b, 0, dim);
                e = clamp(e, 0, dim);
                n = e > b ? (e - b - 1) / st + 1 : 0;
            } else {
                b = clamp(b, 0, dim - 1);
                e = clamp(e, -1, dim - 1);
                n = b > e ? (b - e - 1) / -Math.max(st, -Long.MAX_VALUE) + 1 : 0;
            }
            start[axis] = (int) b;
            step[axis] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, st));
            count[axis] = (int) n;
        }
        return new Window(start, step, count);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType data = Operands.required(node, inputs, 0, "data");
        Window w;
        if (node.opset() < 10) {
            w = window(data.shape(), startsAttr, endsAttr, axesAttr, null);
        } else {
            long[] starts = Operands.knownIntegers(node, inputs, known, 1, "starts");
            long[] ends = Operands.knownIntegers(node, inputs, known, 2, "ends");
            if (starts == null || ends == null) {
                throw node.error(Code.MALFORMED, "inputs starts and ends are required");
            }
            w = window(data.shape(), starts, ends, Operands.knownIntegers(node, inputs, known, 3, "axes"),
                    Operands.knownIntegers(node, inputs, known, 4, "steps"));
        }
        return List.of(new TensorType(data.type(), w.count()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        Window w;
        try {
            w = node.opset() < 10 ? window(in.shape(), startsAttr, endsAttr, axesAttr, null)
                    : window(in.shape(), longs(inputs, 1), longs(inputs, 2), longs(inputs, 3), longs(inputs, 4));
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e); // infer() accepted the same arguments
        }
        int[] strides = Axes.strides(in.shape());
        int base = 0;
        int[] walkStrides = new int[strides.length];
        for (int d = 0; d < strides.length; d++) {
            base += w.start()[d] * strides[d];
            walkStrides[d] = w.step()[d] * strides[d];
        }
        StridedCopy.gather(in, StridedWalk.of(outputs[0].shape(), walkStrides), base, outputs[0]);
    }

    private static long[] longs(Value[] inputs, int index) {
        Value v = Operands.input(inputs, index);
        return v == null ? null : v.toLongArray();
    }
}
