package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/** Where(condition, X, Y): X where the BOOL condition holds, else Y, all three broadcast together. */
final class WhereOp implements Operator {

    private final NodeContext node;

    WhereOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType condition = Operands.required(node, inputs, 0, "condition");
        TensorType x = Operands.required(node, inputs, 1, "X");
        TensorType y = Operands.required(node, inputs, 2, "Y");
        Operands.requireType(node, condition, "condition", DataType.BOOL);
        if (x.type() != y.type()) {
            throw node.error(Code.INVALID_GRAPH, "X is " + x.type() + " but Y is " + y.type()
                    + "; both must have the same type");
        }
        return List.of(new TensorType(x.type(), Broadcast.shape(node, condition.shape(), x.shape(), y.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value condition = inputs[0];
        Value x = inputs[1];
        Value y = inputs[2];
        Value out = outputs[0];
        byte[] c = condition.bytes();
        Object xs = x.data();
        Object ys = y.data();
        Object dst = out.data();
        int to = out.offset();
        StridedWalk walk = Broadcast.walk(out.shape(), condition.shape(), x.shape(), y.shape());
        int[] bases = {condition.offset(), x.offset(), y.offset()};
        if (dst instanceof float[] z) {
            // Attention masks select between float scores and a fill value: keep that path plain.
            float[] xf = (float[]) xs;
            float[] yf = (float[]) ys;
            walk.forEachRow(bases, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    z[to + at + e] = c[o[0] + e * s[0]] != 0 ? xf[o[1] + e * s[1]] : yf[o[2] + e * s[2]];
                }
            });
            return;
        }
        walk.forEachRow(bases, (o, s, at, n) -> {
            // Element by element through the generic copier: other types are rare here.
            for (int e = 0; e < n; e++) {
                if (c[o[0] + e * s[0]] != 0) {
                    StridedCopy.copy(xs, o[1] + e * s[1], 0, dst, to + at + e, 1);
                } else {
                    StridedCopy.copy(ys, o[2] + e * s[2], 0, dst, to + at + e, 1);
                }
            }
        });
    }
}
