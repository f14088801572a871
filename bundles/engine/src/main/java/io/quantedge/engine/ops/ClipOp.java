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
 * Clip: bounds are attributes before opset 11 and optional scalar inputs from 11 on (read at run
 * time, so they may be computed). Float32, and every integer type as opset 12 allows; an omitted
 * integer bound leaves that side of the type's range open.
 */
final class ClipOp implements Operator {

    private final NodeContext node;
    private final float minAttr;
    private final float maxAttr;
    private final boolean boundsAsInputs;

    private ClipOp(NodeContext node, float minAttr, float maxAttr, boolean boundsAsInputs) {
        this.node = node;
        this.minAttr = minAttr;
        this.maxAttr = maxAttr;
        this.boundsAsInputs = boundsAsInputs;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        if (node.opset() < 11) {
            return new ClipOp(node, node.floatAttr("min", -Float.MAX_VALUE), node.floatAttr("max", Float.MAX_VALUE),
                    false);
        }
        return new ClipOp(node, 0, 0, true);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "input");
        Operands.requireType(node, x, "input", DataType.FP32, DataType.INT32, DataType.INT64, DataType.INT16,
                DataType.UINT16, DataType.INT8, DataType.UINT8);
        if (boundsAsInputs) {
            for (int i = 1; i <= 2; i++) {
                TensorType bound = Operands.type(inputs, i);
                if (bound != null && (bound.size() != 1 || bound.type() != x.type())) {
                    throw node.error(Code.INVALID_GRAPH, (i == 1 ? "min" : "max")
                            + " must be a single value of the input's type " + x.type() + ", got " + bound);
                }
            }
        }
        return List.of(x);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        Value min = boundsAsInputs ? Operands.input(inputs, 1) : null;
        Value max = boundsAsInputs ? Operands.input(inputs, 2) : null;
        int n = x.size();
        int from = x.offset();
        int to = y.offset();
        switch (x.type()) {
            case FP32 -> {
                float lo = min != null ? min.floats()[min.offset()] : boundsAsInputs ? -Float.MAX_VALUE : minAttr;
                float hi = max != null ? max.floats()[max.offset()] : boundsAsInputs ? Float.MAX_VALUE : maxAttr;
                float[] in = x.floats();
                float[] out = y.floats();
                for (int i = 0; i < n; i++) {
                    // Lower bound first, so min > max yields max as the spec says; NaN passes through.
                    float v = in[from + i] < lo ? lo : in[from + i];
                    out[to + i] = v > hi ? hi : v;
                }
            }
            case INT32 -> {
                int lo = min != null ? min.ints()[min.offset()] : Integer.MIN_VALUE;
                int hi = max != null ? max.ints()[max.offset()] : Integer.MAX_VALUE;
                int[] in = x.ints();
                int[] out = y.ints();
                for (int i = 0; i < n; i++) {
                    out[to + i] = Math.min(hi, Math.max(lo, in[from + i]));
                }
            }
            case INT64 -> {
                long lo = min != null ? min.longs()[min.offset()] : Long.MIN_VALUE;
                long hi = max != null ? max.longs()[max.offset()] : Long.MAX_VALUE;
                long[] in = x.longs();
                long[] out = y.longs();
                for (int i = 0; i < n; i++) {
                    out[to + i] = Math.min(hi, Math.max(lo, in[from + i]));
                }
            }
            case INT16, UINT16 -> {
                // Compare extended values: the bounds are read with the same extension as the input.
                int mask = x.type() == DataType.UINT16 ? 0xFFFF : -1;
                int lo = min != null ? (int) min.integerAt(0) : Integer.MIN_VALUE;
                int hi = max != null ? (int) max.integerAt(0) : Integer.MAX_VALUE;
                short[] in = x.shorts();
                short[] out = y.shorts();
                for (int i = 0; i < n; i++) {
                    out[to + i] = (short) Math.min(hi, Math.max(lo, in[from + i] & mask));
                }
            }
            case INT8, UINT8 -> {
                int mask = x.type() == DataType.UINT8 ? 0xFF : -1;
                int lo = min != null ? (int) min.integerAt(0) : Integer.MIN_VALUE;
                int hi = max != null ? (int) max.integerAt(0) : Integer.MAX_VALUE;
                byte[] in = x.bytes();
                byte[] out = y.bytes();
                for (int i = 0; i < n; i++) {
                    out[to + i] = (byte) Math.min(hi, Math.max(lo, in[from + i] & mask));
                }
            }
            default -> throw new IllegalStateException(x.type() + " passed infer()");
        }
    }
}
