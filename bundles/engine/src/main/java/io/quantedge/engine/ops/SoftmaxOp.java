package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Softmax and LogSoftmax. From opset 13 they work along one axis (default -1); before, the input
 * is seen as 2-D, [product of dims before axis, product from axis on] (default axis 1), and each
 * row is normalised as a whole. The maximum is subtracted first so exp never overflows; sums
 * accumulate in double.
 */
final class SoftmaxOp implements Operator {

    private final NodeContext node;
    private final long axis;
    private final boolean log;

    private SoftmaxOp(NodeContext node, boolean log) throws ModelLoadException {
        this.node = node;
        this.log = log;
        this.axis = node.intAttr("axis", node.opset() >= 13 ? -1 : 1);
    }

    static Operator softmax(NodeContext node) throws ModelLoadException {
        return new SoftmaxOp(node, false);
    }

    static Operator logSoftmax(NodeContext node) throws ModelLoadException {
        return new SoftmaxOp(node, true);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "input");
        Operands.requireType(node, x, "input", DataType.FP32);
        if (node.opset() < 13 && axis == x.rank() && x.rank() > 0) {
            return List.of(x); // the spec allows axis == rank for the 2-D view
        }
        Axes.normalize(node, axis, Math.max(1, x.rank()), "axis");
        return List.of(x);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        int[] shape = x.rank() == 0 ? new int[] {1} : x.shape();
        int rank = shape.length;
        int a = (int) (axis < 0 ? axis + rank : axis);
        int outer;
        int length;
        int inner;
        if (node.opset() < 13) {
            outer = Axes.product(shape, 0, a);
            length = Axes.product(shape, a, rank);
            inner = 1;
        } else {
            outer = Axes.product(shape, 0, a);
            length = shape[a];
            inner = Axes.product(shape, a + 1, rank);
        }
        float[] in = x.floats();
        float[] out = y.floats();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int from = x.offset() + o * length * inner + i;
                int to = y.offset() + o * length * inner + i;
                normalise(in, from, out, to, length, inner);
            }
        }
    }

    private void normalise(float[] in, int from, float[] out, int to, int length, int stride) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
            max = Math.max(max, in[from + k * stride]);
        }
        double sum = 0;
        if (log) {
            for (int k = 0; k < length; k++) {
                sum += Math.exp(in[from + k * stride] - max);
            }
            float logSum = (float) Math.log(sum);
            for (int k = 0; k < length; k++) {
                out[to + k * stride] = in[from + k * stride] - max - logSum;
            }
            return;
        }
        for (int k = 0; k < length; k++) {
            float e = (float) Math.exp(in[from + k * stride] - max);
            out[to + k * stride] = e;
            sum += e;
        }
        float scale = (float) (1 / sum);
        for (int k = 0; k < length; k++) {
            out[to + k * stride] *= scale;
        }
    }
}
