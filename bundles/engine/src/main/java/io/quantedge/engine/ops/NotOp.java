package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/** Logical Not of a BOOL tensor. */
final class NotOp implements Operator {

    private final NodeContext node;

    NotOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        Operands.requireType(node, x, "X", DataType.BOOL);
        return List.of(x);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        byte[] in = inputs[0].bytes();
        byte[] out = outputs[0].bytes();
        int from = inputs[0].offset();
        int to = outputs[0].offset();
        for (int i = 0, n = inputs[0].size(); i < n; i++) {
            out[to + i] = (byte) (in[from + i] == 0 ? 1 : 0);
        }
    }
}
