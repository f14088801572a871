package io.quantedge.engine.ops;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry.Selection;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Value;

/** Choosing the 8-bit product kernel for an op's operand types, and reading zero points. */
final class IntegerKernels {

    private IntegerKernels() {
    }

    static Selection<Int8GemmKernel> select(NodeContext node, DataType a, DataType b) throws ModelLoadException {
        if (!is8Bit(a) || !is8Bit(b)) {
            throw node.error(Code.UNSUPPORTED, "integer product of " + a + " x " + b + " (int8 and uint8 are supported)");
        }
        OpSignature signature = OpSignature.of(KernelBackend.INT_GEMM, a, b);
        return node.kernels().select(signature, Int8GemmKernel.class).orElseThrow(() -> node.error(Code.UNSUPPORTED,
                "no kernel backend computes " + signature));
    }

    static boolean is8Bit(DataType type) {
        return type == DataType.INT8 || type == DataType.UINT8;
    }

    /** Zero points of an optional input: {@code count} values (one repeated if the input is a scalar). */
    static int[] zeroPoints(Value zeroPoint, int count) {
        int[] out = new int[count];
        if (zeroPoint != null) {
            for (int i = 0; i < count; i++) {
                out[i] = (int) zeroPoint.integerAt(zeroPoint.size() == 1 ? 0 : i);
            }
        }
        return out;
    }

    /** Scales of an input: {@code count} values (one repeated if the input is a scalar). */
    static float[] scales(Value scale, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = scale.floats()[scale.offset() + (scale.size() == 1 ? 0 : i)];
        }
        return out;
    }
}
