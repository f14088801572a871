package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/** Concat along {@code axis} (negative counts from the end), any element type. */
final class ConcatOp implements Operator {

    private final NodeContext node;
    private final long axis;

    ConcatOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        if (node.attr("axis").isEmpty()) {
            throw node.error(Code.MALFORMED, "attribute 'axis' is required");
        }
        this.axis = node.intAttr("axis", 0);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType first = Operands.required(node, inputs, 0, "inputs");
        int a = Axes.normalize(node, axis, first.rank(), "axis");
        int[] out = first.shape().clone();
        out[a] = 0;
        for (int k = 0; k < inputs.size(); k++) {
            TensorType t = Operands.required(node, inputs, k, "input");
            boolean fits = t.type() == first.type() && t.rank() == first.rank();
            for (int d = 0; fits && d < out.length; d++) {
                fits = d == a || t.shape()[d] == out[d];
            }
            if (!fits) {
                throw node.error(Code.INVALID_GRAPH, "input " + k + " " + t + " does not match input 0 " + first
                        + " outside axis " + a);
            }
            out[a] += t.shape()[a];
        }
        return List.of(new TensorType(first.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value out = outputs[0];
        int rank = out.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        int outer = Axes.product(out.shape(), 0, a);
        int outBlock = Axes.product(out.shape(), a, rank);
        int at = 0;
        for (Value in : inputs) {
            int block = Axes.product(in.shape(), a, rank);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(in.data(), in.offset() + o * block, out.data(), out.offset() + o * outBlock + at, block);
            }
            at += block;
        }
    }

}
