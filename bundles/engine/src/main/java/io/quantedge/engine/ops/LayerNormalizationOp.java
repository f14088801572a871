package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LayerNormalization (opset 17): each slice over the axes from {@code axis} on is normalised to
 * zero mean and unit variance, then scaled and shifted. Scale and B cover the normalised axes
 * (or are single values). Optional outputs Mean and InvStdDev keep the leading axes and have
 * extent 1 elsewhere. Statistics are computed in double (two passes).
 */
final class LayerNormalizationOp implements Operator {

    private final NodeContext node;
    private final long axis;
    private final float epsilon;

    LayerNormalizationOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        this.axis = node.intAttr("axis", -1);
        this.epsilon = node.floatAttr("epsilon", 1e-5f);
        long stash = node.intAttr("stash_type", 1);
        if (stash != 1) {
            throw node.error(Code.UNSUPPORTED, "stash_type " + stash + " is not supported (1, float, is)");
        }
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "X");
        TensorType scale = Operands.required(node, inputs, 1, "Scale");
        TensorType bias = Operands.type(inputs, 2);
        Operands.requireType(node, x, "X", DataType.FP32);
        int a = Axes.normalize(node, axis, x.rank(), "axis");
        int normalised = Axes.product(x.shape(), a, x.rank());
        for (TensorType t : bias == null ? List.of(scale) : List.of(scale, bias)) {
            Operands.requireType(node, t, "Scale and B", DataType.FP32);
            if (t.size() != normalised && t.size() != 1) {
                throw node.error(Code.UNSUPPORTED, "Scale/B " + t + " must cover the normalised axes "
                        + Arrays.toString(Arrays.copyOfRange(x.shape(), a, x.rank())) + " or be a single value");
            }
        }
        int[] stats = x.shape().clone();
        Arrays.fill(stats, a, stats.length, 1);
        List<TensorType> out = new ArrayList<>();
        out.add(x);
        out.add(new TensorType(DataType.FP32, stats));
        out.add(new TensorType(DataType.FP32, stats));
        return out;
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value scale = inputs[1];
        Value bias = Operands.input(inputs, 2);
        Value y = outputs[0];
        Value meanOut = Operands.output(outputs, 1);
        Value invStdOut = Operands.output(outputs, 2);
        int rank = x.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        int rows = Axes.product(x.shape(), 0, a);
        int n = Axes.product(x.shape(), a, rank);
        float[] in = x.floats();
        float[] out = y.floats();
        float[] gamma = scale.floats();
        int gammaStep = scale.size() == 1 ? 0 : 1;
        float[] beta = bias == null ? null : bias.floats();
        int betaStep = bias == null || bias.size() == 1 ? 0 : 1;
        for (int r = 0; r < rows; r++) {
            int from = x.offset() + r * n;
            int to = y.offset() + r * n;
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += in[from + k];
            }
            double mean = sum / n;
            double squares = 0;
            for (int k = 0; k < n; k++) {
                double d = in[from + k] - mean;
                squares += d * d;
            }
            double invStd = 1 / Math.sqrt(squares / n + epsilon);
            for (int k = 0; k < n; k++) {
                float normalised = (float) ((in[from + k] - mean) * invStd);
                float v = normalised * gamma[scale.offset() + k * gammaStep];
                out[to + k] = beta == null ? v : v + beta[bias.offset() + k * betaStep];
            }
            if (meanOut != null) {
                meanOut.floats()[meanOut.offset() + r] = (float) mean;
            }
            if (invStdOut != null) {
                invStdOut.floats()[invStdOut.offset() + r] = (float) invStd;
            }
        }
    }
}
