package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Expand(input, shape): the input broadcast with the requested shape (both ways, so a 1 in
 * {@code shape} keeps the input's extent); Tile(input, repeats): the input repeated per axis.
 * Both need their second input before running and copy rows of any element type.
 */
final class ExpandOp implements Operator {

    private final NodeContext node;
    private final boolean tile;

    private ExpandOp(NodeContext node, boolean tile) {
        this.node = node;
        this.tile = tile;
    }

    static Operator expand(NodeContext node) {
        return new ExpandOp(node, false);
    }

    static Operator tile(NodeContext node) {
        return new ExpandOp(node, true);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType in = Operands.required(node, inputs, 0, "input");
        String what = tile ? "repeats" : "shape";
        long[] second = Operands.knownIntegers(node, inputs, known, 1, what);
        if (second == null) {
            throw node.error(Code.MALFORMED, what + " (input 1) is required");
        }
        int[] values = Operands.toInts(node, second, what);
        if (!tile) {
            for (int d : values) {
                if (d < 0) {
                    throw node.error(Code.INVALID_GRAPH, "shape " + java.util.Arrays.toString(values)
                            + " has a negative dimension");
                }
            }
            return List.of(new TensorType(in.type(), Broadcast.shape(node, in.shape(), values)));
        }
        if (values.length != in.rank()) {
            throw node.error(Code.INVALID_GRAPH, "repeats has " + values.length + " entries but the input has rank "
                    + in.rank());
        }
        int[] out = new int[in.rank()];
        for (int i = 0; i < out.length; i++) {
            if (values[i] < 0) {
                throw node.error(Code.INVALID_GRAPH, "repeats must not be negative, got " + values[i]);
            }
            out[i] = in.shape()[i] * values[i];
        }
        return List.of(new TensorType(in.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        Value out = outputs[0];
        if (!tile) {
            StridedCopy.gather(in, Broadcast.walk(out.shape(), in.shape()), 0, out);
            return;
        }
        // Output axis i of extent repeats*d is walked as (repeat, d) with strides (0, stride).
        int rank = in.rank();
        int[] strides = Axes.strides(in.shape());
        int[] dims = new int[2 * rank];
        int[] walkStrides = new int[2 * rank];
        for (int i = 0; i < rank; i++) {
            int d = in.shape()[i];
            dims[2 * i] = d == 0 ? 0 : out.shape()[i] / d;
            dims[2 * i + 1] = d;
            walkStrides[2 * i + 1] = strides[i];
        }
        StridedCopy.gather(in, StridedWalk.of(dims, walkStrides), 0, out);
    }
}
