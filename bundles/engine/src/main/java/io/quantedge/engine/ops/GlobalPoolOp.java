package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/** GlobalAveragePool and GlobalMaxPool: one value per (image, channel) over all spatial positions. */
final class GlobalPoolOp implements Operator {
    private final NodeContext node;
    private final boolean max;

    GlobalPoolOp(NodeContext node, boolean max) {
        this.node = node;
        this.max = max;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        if (x.type() != DataType.FP32 || x.rank() < 3) {
            throw node.error(Code.UNSUPPORTED, node.node().opType() + " on " + x + " (FP32 of rank >= 3)");
        }
        int[] out = Arrays.copyOf(x.shape(), x.rank());
        Arrays.fill(out, 2, out.length, 1);
        return List.of(new TensorType(DataType.FP32, out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        int planes = x.shape()[0] * x.shape()[1];
        int area = x.size() / Math.max(1, planes);
        float[] in = x.floats();
        float[] out = y.floats();
        for (int p = 0; p < planes; p++) {
            int base = x.offset() + p * area;
            if (max) {
                float best = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < area; i++) {
                    best = Math.max(best, in[base + i]);
                }
                out[y.offset() + p] = best;
            } else {
                double sum = 0;
                for (int i = 0; i < area; i++) {
                    sum += in[base + i];
                }
                out[y.offset() + p] = (float) (sum / area);
            }
        }
    }
}
