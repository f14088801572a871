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
 * Identity, and Dropout at inference: the output is a copy of the input. Dropout's optional mask
 * is all true (BOOL from opset 10; the input's type, all ones, before). A Dropout whose
 * training_mode input is known to be true would drop elements, which inference does not do.
 */
final class IdentityOp implements Operator {

    private final NodeContext node;
    private final boolean dropout;

    private IdentityOp(NodeContext node, boolean dropout) {
        this.node = node;
        this.dropout = dropout;
    }

    static Operator identity(NodeContext node) {
        return new IdentityOp(node, false);
    }

    static Operator dropout(NodeContext node) throws ModelLoadException {
        if (node.opset() < 7 && node.intAttr("is_test", 0) == 0) {
            throw node.error(Code.UNSUPPORTED, "training-mode Dropout (is_test=0) is not supported");
        }
        if (node.hasInput(2)) {
            // Whether to drop would be decided at run time; an inference runtime never drops, so refuse.
            boolean constantFalse = node.constantInput(2).map(v -> v.size() == 1 && v.integerAt(0) == 0).orElse(false);
            if (!constantFalse) {
                throw node.error(Code.UNSUPPORTED, "Dropout with a training_mode that is not a constant false");
            }
        }
        return new IdentityOp(node, true);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "input");
        if (!dropout) {
            return List.of(x);
        }
        Value training = Operands.known(known, 2);
        if (training != null && training.data() != null && training.size() == 1 && training.integerAt(0) != 0) {
            throw node.error(Code.UNSUPPORTED, "training_mode=true is not supported: inference does not drop");
        }
        List<TensorType> out = new ArrayList<>();
        out.add(x);
        out.add(new TensorType(node.opset() >= 10 ? DataType.BOOL : x.type(), x.shape()));
        return out;
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        StridedCopy.whole(inputs[0], outputs[0]);
        Value mask = Operands.output(outputs, 1);
        if (mask != null) {
            fillOnes(mask);
        }
    }

    private static void fillOnes(Value mask) {
        int from = mask.offset();
        int to = from + mask.size();
        switch (mask.type()) {
            case FP32 -> Arrays.fill(mask.floats(), from, to, 1f);
            case FP16 -> Arrays.fill(mask.shorts(), from, to, (short) 0x3C00);
            case INT64 -> Arrays.fill(mask.longs(), from, to, 1L);
            case INT32 -> Arrays.fill(mask.ints(), from, to, 1);
            case INT16, UINT16 -> Arrays.fill(mask.shorts(), from, to, (short) 1);
            default -> Arrays.fill(mask.bytes(), from, to, (byte) 1);
        }
    }
}
