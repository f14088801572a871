package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * A per-element op defined on float32 and on integers (Neg, Abs): float32 goes to its
 * {@link UnaryFloatOp}, integers are computed in 64 bits and cast back, so results wrap to the
 * type as C's do (Neg and Abs of the type's minimum give the minimum).
 */
final class IntegerUnaryOp implements Operator {

    private static final DataType[] SIGNED = {DataType.FP32, DataType.INT8, DataType.INT16, DataType.INT32,
        DataType.INT64};
    private static final DataType[] ALL = {DataType.FP32, DataType.INT8, DataType.INT16, DataType.INT32,
        DataType.INT64, DataType.UINT8, DataType.UINT16};

    private final NodeContext node;
    private final UnaryFloatOp floats;
    private final LongUnaryOperator function;
    private final DataType[] allowed;

    private IntegerUnaryOp(NodeContext node, UnaryFloatOp floats, LongUnaryOperator function, DataType[] allowed) {
        this.node = node;
        this.floats = floats;
        this.function = function;
        this.allowed = allowed;
    }

    /** An op for float32 and signed integers only (Neg: ONNX defines no unsigned negation). */
    static IntegerUnaryOp signed(NodeContext node, UnaryFloatOp.FloatFunction f, LongUnaryOperator function) {
        return new IntegerUnaryOp(node, new UnaryFloatOp(node, f), function, SIGNED);
    }

    /** An op for float32 and every integer type (Abs). */
    static IntegerUnaryOp anyInteger(NodeContext node, UnaryFloatOp.FloatFunction f, LongUnaryOperator function) {
        return new IntegerUnaryOp(node, new UnaryFloatOp(node, f), function, ALL);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        Operands.requireType(node, x, "X", allowed);
        return List.of(x);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        if (x.type() == DataType.FP32) {
            floats.run(inputs, outputs);
            return;
        }
        int from = x.offset();
        int to = y.offset();
        int n = x.size();
        LongUnaryOperator f = function;
        switch (x.type()) {
            case INT64 -> {
                long[] in = x.longs();
                long[] out = y.longs();
                for (int i = 0; i < n; i++) {
                    out[to + i] = f.applyAsLong(in[from + i]);
                }
            }
            case INT32 -> {
                int[] in = x.ints();
                int[] out = y.ints();
                for (int i = 0; i < n; i++) {
                    out[to + i] = (int) f.applyAsLong(in[from + i]);
                }
            }
            case INT16, UINT16 -> {
                int mask = x.type() == DataType.UINT16 ? 0xFFFF : -1;
                short[] in = x.shorts();
                short[] out = y.shorts();
                for (int i = 0; i < n; i++) {
                    out[to + i] = (short) f.applyAsLong(in[from + i] & mask);
                }
            }
            case INT8, UINT8 -> {
                int mask = x.type() == DataType.UINT8 ? 0xFF : -1;
                byte[] in = x.bytes();
                byte[] out = y.bytes();
                for (int i = 0; i < n; i++) {
                    out[to + i] = (byte) f.applyAsLong(in[from + i] & mask);
                }
            }
            default -> throw new IllegalStateException(x.type() + " passed infer()");
        }
    }
}
