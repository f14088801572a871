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
 * DynamicQuantizeLinear: quantizes to uint8 with a scale and zero point computed from the
 * tensor's own range, widened to include 0: {@code scale = (max - min) / 255},
 * {@code zero_point = saturate(round(-min / scale))}. An all-zero tensor gets scale 1 (instead
 * of dividing by zero), as ONNX Runtime does.
 */
final class DynamicQuantizeOp implements Operator {
    private final NodeContext node;

    DynamicQuantizeOp(NodeContext node) {
        this.node = node;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        if (x.type() != DataType.FP32) {
            throw node.error(Code.UNSUPPORTED, "DynamicQuantizeLinear of " + x.type());
        }
        return List.of(new TensorType(DataType.UINT8, x.shape()), new TensorType(DataType.FP32, new int[0]),
                new TensorType(DataType.UINT8, new int[0]));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        float[] in = x.floats();
        float min = 0f;
        float max = 0f;
        for (int i = 0; i < x.size(); i++) {
            float v = in[x.offset() + i];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = max == min ? 1f : (max - min) / 255f;
        long zeroPoint = Math.max(0, Math.min(255, (long) Math.rint(-min / scale)));
        Value y = outputs[0];
        byte[] out = y.bytes();
        for (int i = 0; i < x.size(); i++) {
            long q = (long) Math.rint(in[x.offset() + i] / scale) + zeroPoint;
            out[y.offset() + i] = (byte) Math.max(0, Math.min(255, q));
        }
        outputs[1].floats()[outputs[1].offset()] = scale;
        outputs[2].bytes()[outputs[2].offset()] = (byte) zeroPoint;
    }
}
