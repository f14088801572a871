package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Gather along {@code axis}: output shape is data[:axis] + indices + data[axis+1:]. Indices are
 * int32 or int64 and may be negative (counted from the end); data may be any type.
 */
final class GatherOp implements Operator {

    private final NodeContext node;
    private final long axis;

    GatherOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        this.axis = node.intAttr("axis", 0);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType data = Operands.required(node, inputs, 0, "data");
        TensorType indices = Operands.required(node, inputs, 1, "indices");
        Operands.requireType(node, indices, "indices", DataType.INT64, DataType.INT32);
        int a = Axes.normalize(node, axis, data.rank(), "axis");
        int[] shape = new int[data.rank() - 1 + indices.rank()];
        System.arraycopy(data.shape(), 0, shape, 0, a);
        System.arraycopy(indices.shape(), 0, shape, a, indices.rank());
        System.arraycopy(data.shape(), a + 1, shape, a + indices.rank(), data.rank() - a - 1);
        Value knownIndices = Operands.known(known, 1);
        if (knownIndices != null && knownIndices.data() != null) {
            int extent = data.shape()[a];
            for (int i = 0; i < knownIndices.size(); i++) {
                long index = knownIndices.integerAt(i);
                if (index < -extent || index >= extent) {
                    throw node.error(ModelLoadException.Code.INVALID_GRAPH, "index " + index
                            + " is out of range for axis " + a + " of extent " + extent);
                }
            }
        }
        return List.of(new TensorType(data.type(), shape));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value data = inputs[0];
        Value indices = inputs[1];
        Value out = outputs[0];
        int rank = data.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        int extent = data.shape()[a];
        int outer = Axes.product(data.shape(), 0, a);
        int inner = Axes.product(data.shape(), a + 1, rank);
        int count = indices.size();
        int to = out.offset();
        for (int o = 0; o < outer; o++) {
            int from = data.offset() + o * extent * inner;
            for (int j = 0; j < count; j++) {
                long index = indices.integerAt(j);
                if (index < 0) {
                    index += extent;
                }
                if (index < 0 || index >= extent) {
                    throw new IndexOutOfBoundsException("Gather node '" + node.node().name() + "': index "
                            + indices.integerAt(j) + " is out of range for axis " + a + " of extent " + extent);
                }
                System.arraycopy(data.data(), from + (int) index * inner, out.data(), to, inner);
                to += inner;
            }
        }
    }
}
