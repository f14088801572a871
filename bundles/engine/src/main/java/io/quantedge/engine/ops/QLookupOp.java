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
 * A quantized elementwise activation as a 256-entry table (what QDQ fusion makes of
 * DequantizeLinear -> Sigmoid/Relu/... -> QuantizeLinear): input 0 holds int8 or uint8 values,
 * input 1 the table, indexed by the input value (offset by 128 for int8). The table was computed
 * by running the activation itself on every representable input, so results are exactly those of
 * the unfused nodes.
 */
final class QLookupOp implements Operator {
    private final NodeContext node;

    QLookupOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        TensorType table = inputs.get(1);
        if (!IntegerKernels.is8Bit(x.type()) || !IntegerKernels.is8Bit(table.type()) || table.size() != 256) {
            throw node.error(Code.INVALID_GRAPH, "a lookup needs 8-bit input and a 256-entry 8-bit table, got "
                    + x + " and " + table);
        }
        return List.of(new TensorType(table.type(), x.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value table = inputs[1];
        Value y = outputs[0];
        byte[] in = x.bytes();
        byte[] entries = table.bytes();
        byte[] out = y.bytes();
        int base = table.offset() + (x.type() == DataType.INT8 ? 128 : 0);
        int n = x.size();
        if (x.type() == DataType.INT8) {
            for (int i = 0; i < n; i++) {
                out[y.offset() + i] = entries[base + in[x.offset() + i]];
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[y.offset() + i] = entries[base + (in[x.offset() + i] & 0xFF)];
            }
        }
    }

    /** Table index of quantized value {@code q} of {@code type}. */
    static int index(DataType type, int q) {
        return type == DataType.INT8 ? q + 128 : q;
    }
}
