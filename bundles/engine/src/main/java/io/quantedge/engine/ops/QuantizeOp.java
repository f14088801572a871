package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;
import java.util.Set;

/**
 * QuantizeLinear: {@code y = saturate(round_half_to_even(x / scale) + zero_point)}, per-tensor,
 * per-axis or blocked. The output type is the zero point's, else {@code output_dtype}, else uint8.
 * The division is in single precision, as ONNX Runtime does it.
 */
final class QuantizeOp implements Operator {

    private static final Set<DataType> OUTPUTS = Set.of(DataType.INT8, DataType.UINT8, DataType.INT16,
            DataType.UINT16, DataType.INT4, DataType.UINT4);

    private final NodeContext node;
    private final long axis;
    private final long blockSize;
    private final DataType declaredType;

    private QuantizeOp(NodeContext node, long axis, long blockSize, DataType declaredType) {
        this.node = node;
        this.axis = axis;
        this.blockSize = blockSize;
        this.declaredType = declaredType;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        long outputDtype = node.intAttr("output_dtype", 0);
        DataType declared = outputDtype == 0 ? null : OnnxTypes.fromCode(node, outputDtype);
        return new QuantizeOp(node, node.intAttr("axis", 1), node.intAttr("block_size", 0), declared);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        if (x.type() != DataType.FP32 && x.type() != DataType.INT32) {
            throw node.error(Code.UNSUPPORTED, "QuantizeLinear of " + x.type() + " (FP32 and INT32 are supported)");
        }
        TensorType zp = inputs.size() > 2 ? inputs.get(2) : null;
        DataType out = zp != null ? zp.type() : declaredType != null ? declaredType : DataType.UINT8;
        if (!OUTPUTS.contains(out)) {
            throw node.error(Code.UNSUPPORTED, "quantizing to " + out);
        }
        QuantLayout.of(node, x.shape(), inputs.get(1).shape(), axis, blockSize);
        return List.of(new TensorType(out, x.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value scale = inputs[1];
        Value zeroPoint = inputs.length > 2 ? inputs[2] : null;
        Value y = outputs[0];
        QuantLayout layout = layout(x, scale);
        long min = y.type().minValue();
        long max = y.type().maxValue();
        float[] scales = scale.floats();
        int n = x.size();
        for (int i = 0; i < n; i++) {
            int p = layout.parameter(i);
            float real = x.type() == DataType.FP32 ? x.floats()[x.offset() + i] : (float) x.ints()[x.offset() + i];
            long q = (long) Math.rint(real / scales[scale.offset() + p]) + (zeroPoint == null ? 0 : zeroPoint.integerAt(p));
            IntegerStore.put(y, i, Math.max(min, Math.min(max, q)));
        }
    }

    private QuantLayout layout(Value x, Value scale) {
        try {
            return QuantLayout.of(node, x.shape(), scale.shape(), axis, blockSize);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
