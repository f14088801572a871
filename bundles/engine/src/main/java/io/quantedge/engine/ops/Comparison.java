package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Equal, Less, Greater, LessOrEqual, GreaterOrEqual with broadcasting, giving BOOL. Float inputs
 * compare as floats (NaN is unequal to everything); every other type compares as exact integers.
 */
final class Comparison implements Operator {

    enum Kind { EQUAL, LESS, GREATER, LESS_OR_EQUAL, GREATER_OR_EQUAL }

    private final NodeContext node;
    private final Kind kind;

    Comparison(NodeContext node, Kind kind) {
        this.node = node;
        this.kind = kind;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = Operands.required(node, inputs, 0, "A");
        TensorType b = Operands.required(node, inputs, 1, "B");
        if (a.type() != b.type()) {
            throw node.error(Code.INVALID_GRAPH, "A is " + a.type() + " but B is " + b.type()
                    + "; both inputs must have the same type");
        }
        return List.of(new TensorType(DataType.BOOL, Broadcast.shape(node, a.shape(), b.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value b = inputs[1];
        Value c = outputs[0];
        byte[] out = c.bytes();
        int to = c.offset();
        StridedWalk walk = Broadcast.walk(c.shape(), a.shape(), b.shape());
        if (a.type() == DataType.FP32) {
            float[] x = a.floats();
            float[] y = b.floats();
            walk.forEachRow(new int[] {a.offset(), b.offset()}, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    float p = x[o[0] + e * s[0]];
                    float q = y[o[1] + e * s[1]];
                    out[to + at + e] = test(kind, Float.compare(p, q), p == q, Float.isNaN(p) || Float.isNaN(q));
                }
            });
        } else if (a.type() == DataType.FP16) {
            walk.forEachRow(new int[] {0, 0}, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    double p = a.numberAt(o[0] + e * s[0]);
                    double q = b.numberAt(o[1] + e * s[1]);
                    out[to + at + e] = test(kind, Double.compare(p, q), p == q, Double.isNaN(p) || Double.isNaN(q));
                }
            });
        } else {
            walk.forEachRow(new int[] {0, 0}, (o, s, at, n) -> {
                for (int e = 0; e < n; e++) {
                    long p = a.integerAt(o[0] + e * s[0]);
                    long q = b.integerAt(o[1] + e * s[1]);
                    out[to + at + e] = test(kind, Long.compare(p, q), p == q, false);
                }
            });
        }
    }

    private static byte test(Kind kind, int order, boolean equal, boolean nan) {
        if (nan) {
            return 0;
        }
        boolean result = switch (kind) {
            case EQUAL -> equal;
            case LESS -> order < 0 && !equal;
            case GREATER -> order > 0 && !equal;
            case LESS_OR_EQUAL -> order < 0 || equal;
            case GREATER_OR_EQUAL -> order > 0 || equal;
        };
        return (byte) (result ? 1 : 0);
    }
}
