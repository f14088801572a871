package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Pow with a float32, int32 or int64 base and a float32 or integer exponent, broadcast; the output
 * has the base's type. An integer base with a float exponent is raised in double precision and
 * truncated toward zero, as ONNX's reference (numpy's astype) and ONNX Runtime (a C cast) do, out
 * of range results saturating. An integer base with an integer exponent is exact, wrapping on
 * overflow as C's multiplication does; a negative exponent gives the truncated real result (0
 * unless the base is 1 or -1, and 0 for a zero base, whose real result is undefined).
 */
final class PowOp implements Operator {

    private final NodeContext node;

    PowOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        TensorType y = Operands.required(node, inputs, 1, "Y");
        Operands.requireType(node, x, "base X", DataType.FP32, DataType.INT32, DataType.INT64);
        Operands.requireType(node, y, "exponent Y", DataType.FP32, DataType.INT32, DataType.INT64,
                DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16);
        return List.of(new TensorType(x.type(), Broadcast.shape(node, x.shape(), y.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value base = inputs[0];
        Value exponent = inputs[1];
        Value z = outputs[0];
        StridedWalk walk = Broadcast.walk(z.shape(), base.shape(), exponent.shape());
        if (base.type() == DataType.FP32) {
            floatBase(base, exponent, z, walk);
        } else {
            integerBase(base, exponent, z, walk);
        }
    }

    private static void floatBase(Value base, Value exponent, Value z, StridedWalk walk) {
        float[] x = base.floats();
        float[] out = z.floats();
        int to = z.offset();
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

    /** Integer bases are read with integerAt (offsets relative to each value): shape arithmetic, not hot. */
    private static void integerBase(Value base, Value exponent, Value z, StridedWalk walk) {
        boolean int32 = z.type() == DataType.INT32;
        int to = z.offset();
        boolean floatExponent = exponent.type() == DataType.FP32;
        walk.forEachRow(new int[] {0, 0}, (o, s, at, n) -> {
            for (int e = 0; e < n; e++) {
                long x = base.integerAt(o[0] + e * s[0]);
                int i = o[1] + e * s[1];
                if (floatExponent) {
                    double r = Math.pow(x, exponent.floats()[exponent.offset() + i]);
                    if (int32) {
                        z.ints()[to + at + e] = (int) r;
                    } else {
                        z.longs()[to + at + e] = (long) r;
                    }
                } else {
                    long r = integerPower(x, exponent.integerAt(i));
                    if (int32) {
                        z.ints()[to + at + e] = (int) r;
                    } else {
                        z.longs()[to + at + e] = r;
                    }
                }
            }
        });
    }

    /** x^y by squaring, wrapping in 64 bits (the low 32 bits are then int32's wrapped result too). */
    static long integerPower(long x, long y) {
        if (y < 0) {
            return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long square = x;
        for (long rest = y; rest != 0; rest >>>= 1) {
            if ((rest & 1) != 0) {
                result *= square;
            }
            square *= square;
        }
        return result;
    }

    private static float power(float x, double y) {
        // Squares are the common case (variance in LayerNorm patterns); keep them exact and cheap.
        return y == 2 ? x * x : (float) Math.pow(x, y);
    }
}
