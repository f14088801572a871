package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Float16;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Cast between FP32, FP16, INT64, INT32, INT16, UINT16, INT8, UINT8, INT4, UINT4 and BOOL. The spec
 * leaves out-of-range float-to-integer results undefined; this cast truncates toward zero and then
 * saturates to the target range (NaN becomes 0), so results are deterministic. Integer-to-integer
 * narrowing keeps the low bits (two's complement wrap), as C and ONNX Runtime do, except to INT4
 * and UINT4, which saturate as ONNX Runtime's 4-bit cast does (a 4-bit value is held one to a byte
 * here, and a wrapped byte would not be a 4-bit value). To BOOL, any nonzero value (NaN included)
 * is true. To FP16 rounds to nearest even. From INT4 and UINT4 (opset 21), the values widen as
 * their sign says: the non-linear 4-bit weights (codes looked up in a float table) start with such
 * a cast.
 */
final class CastOp implements Operator {

    private final NodeContext node;
    private final DataType to;

    private CastOp(NodeContext node, DataType to) {
        this.node = node;
        this.to = to;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        long code = node.intAttr("to", -1);
        if (code < 0) {
            throw node.error(Code.MALFORMED, "attribute 'to' is required");
        }
        return new CastOp(node, OnnxTypes.fromCode(node, code));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType x = Operands.required(node, inputs, 0, "input");
        return List.of(new TensorType(to, x.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        Value out = outputs[0];
        int n = in.size();
        if (in.type() == to) {
            StridedCopy.whole(in, out);
        } else if (in.type() == DataType.FP32 && to == DataType.FP16) {
            float[] src = in.floats();
            short[] dst = out.shorts();
            for (int i = 0; i < n; i++) {
                dst[out.offset() + i] = Float16.fromFloat(src[in.offset() + i]);
            }
        } else if (in.type().isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                writeFloat(out, i, (float) in.numberAt(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                writeInteger(out, i, in.integerAt(i));
            }
        }
    }

    private static void writeFloat(Value out, int i, float v) {
        int at = out.offset() + i;
        switch (out.type()) {
            case FP32 -> out.floats()[at] = v;
            case FP16 -> out.shorts()[at] = Float16.fromFloat(v);
            case BOOL -> out.bytes()[at] = (byte) (v != 0 ? 1 : 0); // NaN != 0 is true
            case INT64 -> out.longs()[at] = (long) v; // Java's cast truncates, saturates, maps NaN to 0
            default -> writeInteger(out, i, saturate((long) v, out.type()));
        }
    }

    private static long saturate(long v, DataType type) {
        return Math.max(type.minValue(), Math.min(type.maxValue(), v));
    }

    private static void writeInteger(Value out, int i, long v) {
        int at = out.offset() + i;
        switch (out.type()) {
            case FP32 -> out.floats()[at] = (float) v;
            case FP16 -> out.shorts()[at] = Float16.fromFloat((float) v);
            case INT64 -> out.longs()[at] = v;
            case INT32 -> out.ints()[at] = (int) v;
            case INT16, UINT16 -> out.shorts()[at] = (short) v;
            case BOOL -> out.bytes()[at] = (byte) (v != 0 ? 1 : 0);
            case INT4, UINT4 -> out.bytes()[at] = (byte) saturate(v, out.type());
            default -> out.bytes()[at] = (byte) v;
        }
    }
}
