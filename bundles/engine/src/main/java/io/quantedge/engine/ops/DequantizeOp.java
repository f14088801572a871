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
 * DequantizeLinear: {@code y = (x - zero_point) * scale} in single precision, per-tensor, per-axis
 * or blocked, from any integer type (int32 with zero point 0 carries biases).
 */
final class DequantizeOp implements Operator {
    private final NodeContext node;
    private final long axis;
    private final long blockSize;

    private DequantizeOp(NodeContext node, long axis, long blockSize) {
        this.node = node;
        this.axis = axis;
        this.blockSize = blockSize;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        return new DequantizeOp(node, node.intAttr("axis", 1), node.intAttr("block_size", 0));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        if (x.type().isFloatingPoint() || x.type() == DataType.INT64 || x.type() == DataType.BOOL) {
            throw node.error(Code.UNSUPPORTED, "DequantizeLinear of " + x.type());
        }
        if (inputs.get(1).type() != DataType.FP32) {
            throw node.error(Code.UNSUPPORTED, "scale of type " + inputs.get(1).type() + " (FP32 is supported)");
        }
        QuantLayout.of(node, x.shape(), inputs.get(1).shape(), axis, blockSize);
        return List.of(new TensorType(DataType.FP32, x.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value scale = inputs[1];
        Value zeroPoint = inputs.length > 2 ? inputs[2] : null;
        Value y = outputs[0];
        QuantLayout layout;
        try {
            layout = QuantLayout.of(node, x.shape(), scale.shape(), axis, blockSize);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        float[] scales = scale.floats();
        float[] out = y.floats();
        int n = x.size();
        for (int i = 0; i < n; i++) {
            int p = layout.parameter(i);
            long zp = zeroPoint == null ? 0 : zeroPoint.integerAt(p);
            out[y.offset() + i] = (float) (x.integerAt(i) - zp) * scales[scale.offset() + p];
        }
    }
}
