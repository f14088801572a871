package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Shape (with opset 15's start/end window, clamped as the spec says) and Size: INT64 results that
 * depend only on the input's shape, so the planner computes them before running.
 */
final class ShapeOp implements Operator {

    private final NodeContext node;
    private final boolean size;
    private final long start;
    private final Long end;

    private ShapeOp(NodeContext node, boolean size, long start, Long end) {
        this.node = node;
        this.size = size;
        this.start = start;
        this.end = end;
    }

    static Operator shape(NodeContext node) throws ModelLoadException {
        long start = node.opset() >= 15 ? node.intAttr("start", 0) : 0;
        Long end = node.opset() >= 15 && node.attr("end").isPresent() ? node.intAttr("end", 0) : null;
        return new ShapeOp(node, false, start, end);
    }

    static Operator size(NodeContext node) {
        return new ShapeOp(node, true, 0, null);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "data");
        if (size) {
            return List.of(new TensorType(DataType.INT64, new int[0]));
        }
        int[] window = window(x.rank());
        return List.of(new TensorType(DataType.INT64, new int[] {window[1] - window[0]}));
    }

    /** [first, last) axes reported, clamped to [0, rank], empty when end precedes start. */
    private int[] window(int rank) {
        int first = clamp(start < 0 ? start + rank : start, rank);
        long e = end == null ? rank : end;
        int last = clamp(e < 0 ? e + rank : e, rank);
        return new int[] {first, Math.max(first, last)};
    }

    private static int clamp(long axis, int rank) {
        return (int) Math.max(0, Math.min(rank, axis));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        int[] dims = inputs[0].shape();
        Value out = outputs[0];
        long[] dst = out.longs();
        if (size) {
            dst[out.offset()] = Value.elementCount(dims);
            return;
        }
        int[] window = window(dims.length);
        for (int i = window[0]; i < window[1]; i++) {
            dst[out.offset() + i - window[0]] = dims[i];
        }
    }

    @Override
    public boolean readsOnlyShapes() {
        return true;
    }
}
