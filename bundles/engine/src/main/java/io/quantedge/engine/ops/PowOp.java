package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/** Pow with a float32 base and a float32 or integer exponent, broadcast; the output has the base's type. */
final class PowOp implements Operator {

    private final NodeContext node;

    PowOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        TensorType y = Operands.required(node, inputs, 1, "Y");
        Operands.requireType(node, x, "base X", DataType.FP32);
        Operands.requireType(node, y, "exponent Y", DataType.FP32, DataType.INT32, DataType.INT64,
                DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16);
        return List.of(new TensorType(DataType.FP32, Broadcast.shape(node, x.shape(), y.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value base = inputs[0];
        Value exponent = inputs[1];
        Value z = outputs[0];
        float[] x = base.floats();
        float[] out = z.floats();
        int to = z.offset();
        StridedWalk walk = Broadcast.walk(z.shape(), base.shape(), exponent.shape());
        if (exponent.type() == DataType.FP32) {
            float[] y = exponent.floats();
            walk.forEachRow(new int[] {base.offset(), exponent.offset()}, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    out[to + at + e] = power(x[o[0] + e * s[0]], y[o[1] + e * s[1]]);
                }
            });
        } else {
            walk.forEachRow(new int[] {base.offset(), 0}, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    out[to + at + e] = power(x[o[0] + e * s[0]], exponent.integerAt(o[1] + e * s[1]));
                }
            });
        }
    }

    private static float power(float x, double y) {
        // Squares are the common case (variance in LayerNorm patterns); keep them exact and cheap.
        return y == 2 ? x * x : (float) Math.pow(x, y);
    }
}
