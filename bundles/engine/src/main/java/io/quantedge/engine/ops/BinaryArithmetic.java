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
 * Add, Sub, Mul and Div with numpy broadcasting, for float32 and every integer type (shape
 * arithmetic in exported graphs is int64). Integer results wrap to the type as C's do, and integer
 * division truncates toward zero, as C and ONNX Runtime do. Integer division by zero has no
 * defined result, so it fails the run (an ArithmeticException naming the node) rather than
 * invent a value.
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
        Operands.requireType(node, a, "A", DataType.FP32, DataType.INT32, DataType.INT64, DataType.INT16,
                DataType.UINT16, DataType.INT8, DataType.UINT8);
        if (a.type() != b.type()) {
            throw node.error(Code.INVALID_GRAPH, "A is " + a.type() + " but B is " + b.type()
                    + "; both inputs must have the same type");
        }
        return List.of(new TensorType(a.type(), Broadcast.shape(node, a.shape(), b.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        try {
            compute(inputs[0], inputs[1], outputs[0]);
        } catch (ArithmeticException e) {
            throw new ArithmeticException(node.node().qualifiedOpType() + " node '" + node.node().name()
                    + "': integer division by zero");
        }
    }

    private void compute(Value a, Value b, Value c) {
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
            case INT64 -> {
                long[] x = a.longs();
                long[] y = b.longs();
                long[] z = c.longs();
                walk.forEachRow(bases, (o, s, at, n) -> longRow(kind, x, o[0], s[0], y, o[1], s[1], z, out + at, n));
            }
            case INT16, UINT16 -> {
                boolean unsigned = c.type() == DataType.UINT16;
                short[] x = a.shorts();
                short[] y = b.shorts();
                short[] z = c.shorts();
                walk.forEachRow(bases, (o, s, at, n) -> shortRow(kind, unsigned, x, o[0], s[0], y, o[1], s[1], z,
                        out + at, n));
            }
            case INT8, UINT8 -> {
                boolean unsigned = c.type() == DataType.UINT8;
                byte[] x = a.bytes();
                byte[] y = b.bytes();
                byte[] z = c.bytes();
                walk.forEachRow(bases, (o, s, at, n) -> byteRow(kind, unsigned, x, o[0], s[0], y, o[1], s[1], z,
                        out + at, n));
            }
            default -> throw new IllegalStateException(c.type() + " passed infer()");
        }
    }

    /**
     * Narrow types compute in int, as C promotes them, and the cast back keeps the low bits: that
     * is the wrap. Unsigned operands are zero-extended (signed ones keep their sign: mask -1) so that
     * Div sees their true values.
     */
    private static void byteRow(Kind kind, boolean unsigned, byte[] x, int i, int si, byte[] y, int j, int sj,
                                byte[] z, int k, int n) {
        int mask = unsigned ? 0xFF : -1;
        for (int e = 0; e < n; e++) {
            int p = x[i + e * si] & mask;
            int q = y[j + e * sj] & mask;
            z[k + e] = (byte) combine(kind, p, q);
        }
    }

    private static void shortRow(Kind kind, boolean unsigned, short[] x, int i, int si, short[] y, int j, int sj,
                                 short[] z, int k, int n) {
        int mask = unsigned ? 0xFFFF : -1;
        for (int e = 0; e < n; e++) {
            int p = x[i + e * si] & mask;
            int q = y[j + e * sj] & mask;
            z[k + e] = (short) combine(kind, p, q);
        }
    }

    private static int combine(Kind kind, int p, int q) {
        return switch (kind) {
            case ADD -> p + q;
            case SUB -> p - q;
            case MUL -> p * q;
            case DIV -> p / q;
        };
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
