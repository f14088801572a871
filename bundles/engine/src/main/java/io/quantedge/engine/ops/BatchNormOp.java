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
 * Inference-mode BatchNormalization over axis 1: {@code y = (x - mean) / sqrt(var + epsilon) *
 * scale + bias}, folded per channel into one multiply and one add.
 */
final class BatchNormOp implements Operator {
    private final NodeContext node;
    private final float epsilon;

    private BatchNormOp(NodeContext node, float epsilon) {
        this.node = node;
        this.epsilon = epsilon;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        if (node.intAttr("training_mode", 0) != 0) {
            throw node.error(Code.UNSUPPORTED, "training_mode=1 (only inference is supported)");
        }
        if (node.opset() < 9 && node.intAttr("spatial", 1) != 1) {
            throw node.error(Code.UNSUPPORTED, "spatial=0");
        }
        return new BatchNormOp(node, node.floatAttr("epsilon", 1e-5f));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = inputs.get(0);
        if (x.type() != DataType.FP32 || x.rank() < 2) {
            throw node.error(Code.UNSUPPORTED, "BatchNormalization on " + x + " (FP32 of rank >= 2 is supported)");
        }
        for (int i = 1; i <= 4; i++) {
            if (inputs.size() <= i || inputs.get(i) == null || inputs.get(i).size() != x.shape()[1]) {
                throw node.error(Code.INVALID_GRAPH, "input " + i + " must hold one value per channel ("
                        + x.shape()[1] + ")");
            }
        }
        return List.of(new TensorType(DataType.FP32, x.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value scale = inputs[1];
        Value bias = inputs[2];
        Value mean = inputs[3];
        Value variance = inputs[4];
        Value y = outputs[0];
        int[] shape = x.shape();
        int batch = shape[0];
        int channels = shape[1];
        int inner = x.size() / Math.max(1, batch * channels);
        float[] in = x.floats();
        float[] out = y.floats();
        for (int c = 0; c < channels; c++) {
            float multiplier = (float) (scale.numberAt(c) / Math.sqrt(variance.numberAt(c) + epsilon));
            float add = (float) (bias.numberAt(c) - mean.numberAt(c) * multiplier);
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    out[y.offset() + base + i] = in[x.offset() + base + i] * multiplier + add;
                }
            }
        }
    }
}
