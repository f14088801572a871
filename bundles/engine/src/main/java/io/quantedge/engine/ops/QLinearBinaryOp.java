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
 * Quantized Add or Mul with numpy broadcasting (what QDQ fusion makes of two DequantizeLinear ->
 * Add/Mul -> QuantizeLinear): inputs a, a_scale, a_zero_point, b, b_scale, b_zero_point,
 * y_scale, y_zero_point, all per tensor. Each element is requantized as the ONNX definitions
 * compose: {@code y = saturate(round_half_even((a' op b') / y_scale) + y_zero_point)} with
 * {@code a' = (a - a_zero_point) * a_scale} in single precision, so the integers equal the unfused
 * nodes' without materialising float tensors.
 */
final class QLinearBinaryOp implements Operator {
    private final NodeContext node;
    private final boolean multiply;

    private QLinearBinaryOp(NodeContext node, boolean multiply) {
        this.node = node;
        this.multiply = multiply;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        String operation = node.stringAttr("operation", "");
        if (!operation.equals("Add") && !operation.equals("Mul")) {
            throw node.error(Code.UNSUPPORTED, "operation '" + operation + "' (Add and Mul are supported)");
        }
        return new QLinearBinaryOp(node, operation.equals("Mul"));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = inputs.get(0);
        TensorType b = inputs.get(3);
        TensorType yZero = inputs.get(7);
        if (!IntegerKernels.is8Bit(a.type()) || !IntegerKernels.is8Bit(b.type()) || !IntegerKernels.is8Bit(yZero.type())) {
            throw node.error(Code.UNSUPPORTED, "quantized " + (multiply ? "Mul" : "Add") + " of " + a + " and " + b);
        }
        return List.of(new TensorType(yZero.type(), Broadcast.shape(node, a.shape(), b.shape())));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value b = inputs[3];
        Value y = outputs[0];
        float aScale = scalar(inputs[1]);
        float bScale = scalar(inputs[4]);
        float yScale = scalar(inputs[6]);
        int aZero = (int) inputs[2].integerAt(0);
        int bZero = (int) inputs[5].integerAt(0);
        int yZero = (int) inputs[7].integerAt(0);
        int min = (int) y.type().minValue();
        int max = (int) y.type().maxValue();
        boolean aSigned = a.type() == DataType.INT8;
        boolean bSigned = b.type() == DataType.INT8;
        byte[] x1 = a.bytes();
        byte[] x2 = b.bytes();
        byte[] out = y.bytes();
        int yBase = y.offset();
        Broadcast.walk(y.shape(), a.shape(), b.shape()).forEachRow(new int[] {a.offset(), b.offset()},
                (offsets, steps, at, length) -> {
                    int i1 = offsets[0];
                    int i2 = offsets[1];
                    for (int k = 0; k < length; k++, i1 += steps[0], i2 += steps[1]) {
                        float va = (float) ((aSigned ? x1[i1] : x1[i1] & 0xFF) - aZero) * aScale;
                        float vb = (float) ((bSigned ? x2[i2] : x2[i2] & 0xFF) - bZero) * bScale;
                        float v = multiply ? va * vb : va + vb;
                        long q = (long) Math.rint(v / yScale) + yZero;
                        out[yBase + at + k] = (byte) Math.max(min, Math.min(max, q));
                    }
                });
    }

    private static float scalar(Value v) {
        return v.floats()[v.offset()];
    }
}
