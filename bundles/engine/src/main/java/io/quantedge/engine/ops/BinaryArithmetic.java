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
 * Add, Sub, Mul and Div with numpy broadcasting, for float32 and for int32/int64 (shape
 * arithmetic in exported graphs is int64). Integer division truncates toward zero, as C and
 * ONNX Runtime do; integer division by zero fails the run.
 */
final class BinaryArithmetic implements Operator {

    enum Kind { ADD, SUB, MUL, DIV }

    private final NodeContext node;
    private final Kind kind;

    BinaryArithmetic(NodeContext node, Kind kind) {
        this.node = node;
        this.kind = kind;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = Operands.required(node, inputs, 0, "A");
        TensorType b = Operands.required(node, inputs, 1, "B");
        Operands.requireType(node, a, "A", DataType.FP32, DataType.INT32, DataType.INT64);
        if (a.type() != b.type()) {
            throw node.error(Code.INVALID_GRAPH, "A is " + a.type() + " but B is " + b.type()
                    + "; both inputs must have the same type");
        }
        return List.of(new TensorType(a.type(), Broadcast.shape(node, a.shape(), b.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value b = inputs[1];
        Value c = outputs[0];
        StridedWalk walk = Broadcast.walk(c.shape(), a.shape(), b.shape());
        int[] bases = {a.offset(), b.offset()};
        int out = c.offset();
        switch (c.type()) {
            case FP32 -> {
                float[] x = a.floats();
                float[] y = b.floats();
                float[] z = c.floats();
                walk.forEachRow(bases, (o, s, at, n) -> floatRow(kind, x, o[0], s[0], y, o[1], s[1], z, out + at, n));
            }
            case INT32 -> {
                int[] x = a.ints();
                int[] y = b.ints();
                int[] z = c.ints();
                walk.forEachRow(bases, (o, s, at, n) -> intRow(kind, x, o[0], s[0], y, o[1], s[1], z, out + at, n));
            }
            default -> {
                long[] x = a.longs();
                long[] y = b.longs();
                long[] z = c.longs();
                walk.forEachRow(bases, (o, s, at, n) -> longRow(kind, x, o[0], s[0], y, o[1], s[1], z, out + at, n));
            }
        }
    }

    private static void floatRow(Kind kind, float[] x, int i, int si, float[] y, int j, int sj, float[] z, int k, int n) {
        switch (kind) {
            case ADD -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] + y[j + e * sj];
                }
            }
            case SUB -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] - y[j + e * sj];
                }
            }
            case MUL -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] * y[j + e * sj];
                }
            }
            case DIV -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] / y[j + e * sj];
                }
            }
        }
    }

    private static void intRow(Kind kind, int[] x, int i, int si, int[] y, int j, int sj, int[] z, int k, int n) {
        switch (kind) {
            case ADD -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] + y[j + e * sj];
                }
            }
            case SUB -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] - y[j + e * sj];
                }
            }
            case MUL -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] * y[j + e * sj];
                }
            }
            case DIV -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] / y[j + e * sj]; // Java truncates toward zero, like C
                }
            }
        }
    }

    private static void longRow(Kind kind, long[] x, int i, int si, long[] y, int j, int sj, long[] z, int k, int n) {
        switch (kind) {
            case ADD -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] + y[j + e * sj];
                }
            }
            case SUB -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] - y[j + e * sj];
                }
            }
            case MUL -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] * y[j + e * sj];
                }
            }
            case DIV -> {
                for (int e = 0; e < n; e++) {
                    z[k + e] = x[i + e * si] / y[j + e * sj];
                }
            }
        }
    }
}
