package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/** A float32 function applied to every element (Relu, Exp, Erf...): output type and shape are the input's. */
final class UnaryFloatOp implements Operator {

    /** The per-element function, float in, float out. */
    @FunctionalInterface
    interface FloatFunction {
        float apply(float x);
    }

    private final NodeContext node;
    private final FloatFunction function;

    UnaryFloatOp(NodeContext node, FloatFunction function) {
        this.node = node;
        this.function = function;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        Operands.requireType(node, x, "X", DataType.FP32);
        return List.of(x);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        float[] in = x.floats();
        float[] out = y.floats();
        int from = x.offset();
        int to = y.offset();
        int n = x.size();
        FloatFunction f = function;
        for (int i = 0; i < n; i++) {
            out[to + i] = f.apply(in[from + i]);
        }
    }
}
