package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * ArgMax along {@code axis} giving INT64 indices; ties go to the first index unless
 * select_last_index (opset 12) asks for the last.
 */
final class ArgMaxOp implements Operator {

    private final NodeContext node;
    private final long axis;
    private final boolean keepDims;
    private final boolean lastIndex;

    ArgMaxOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        this.axis = node.intAttr("axis", 0);
        this.keepDims = node.intAttr("keepdims", 1) != 0;
        this.lastIndex = node.opset() >= 12 && node.intAttr("select_last_index", 0) != 0;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "data");
        Operands.requireType(node, x, "data", DataType.FP32, DataType.FP16, DataType.INT64, DataType.INT32,
                DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16);
        int a = Axes.normalize(node, axis, x.rank(), "axis");
        int[] out = new int[keepDims ? x.rank() : x.rank() - 1];
        for (int d = 0, k = 0; d < x.rank(); d++) {
            if (d != a) {
                out[k++] = x.shape()[d];
            } else if (keepDims) {
                out[k++] = 1;
            }
        }
        return List.of(new TensorType(DataType.INT64, out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value x = inputs[0];
        Value y = outputs[0];
        int rank = x.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        int outer = Axes.product(x.shape(), 0, a);
        int length = x.shape()[a];
        int inner = Axes.product(x.shape(), a + 1, rank);
        long[] out = y.longs();
        boolean floats = x.type() == DataType.FP32;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int first = o * length * inner + i;
                int best = 0;
                double bestValue = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < length; k++) {
                    double v = floats ? x.floats()[x.offset() + first + k * inner] : x.numberAt(first + k * inner);
                    if (k == 0 || v > bestValue || (lastIndex && v == bestValue)) {
                        best = k;
                        bestValue = v;
                    }
                }
                out[y.offset() + o * inner + i] = best;
            }
        }
    }
}
