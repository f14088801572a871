package io.quantedge.engine.ops;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry.Selection;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * ONNX Gemm: {@code Y = alpha * A' x B' + beta * C}, A' and B' optionally transposed, C broadcast
 * to [M, N]. A constant B (the usual weight) is packed once for the backend.
 */
final class GemmOp implements Operator {
    private final NodeContext node;
    private final boolean transA;
    private final boolean transB;
    private final float alpha;
    private final float beta;
    private final Selection<FloatGemmKernel> gemm;
    private final PackedMatrix packedB;

    private GemmOp(NodeContext node, boolean transA, boolean transB, float alpha, float beta,
                   Selection<FloatGemmKernel> gemm, PackedMatrix packedB) {
        this.node = node;
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.beta = beta;
        this.gemm = gemm;
        this.packedB = packedB;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        boolean transA = node.intAttr("transA", 0) != 0;
        boolean transB = node.intAttr("transB", 0) != 0;
        Selection<FloatGemmKernel> gemm = ConvOp.floatGemm(node);
        PackedMatrix packed = null;
        Value b = node.constantInput(1).orElse(null);
        if (b != null && b.type() == DataType.FP32 && b.rank() == 2) {
            int k = transB ? b.shape()[1] : b.shape()[0];
            int n = transB ? b.shape()[0] : b.shape()[1];
            float[] kn = transB ? Transpose2d.floats(b.floats(), b.offset(), b.shape()[0], b.shape()[1]) : b.floats();
            packed = gemm.kernel().pack(kn, transB ? 0 : b.offset(), n, k, n);
        }
        return new GemmOp(node, transA, transB, node.floatAttr("alpha", 1f), node.floatAttr("beta", 1f), gemm, packed);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = inputs.get(0);
        TensorType b = inputs.get(1);
        if (a.type() != DataType.FP32 || b.type() != DataType.FP32 || a.rank() != 2 || b.rank() != 2) {
            throw node.error(Code.INVALID_GRAPH, "Gemm needs 2-D FP32 inputs, got " + a + " and " + b);
        }
        int m = transA ? a.shape()[1] : a.shape()[0];
        int k = transA ? a.shape()[0] : a.shape()[1];
        int kb = transB ? b.shape()[1] : b.shape()[0];
        int n = transB ? b.shape()[0] : b.shape()[1];
        if (k != kb) {
            throw node.error(Code.INVALID_GRAPH, "inner dimensions differ: A " + a + " and B " + b);
        }
        if (inputs.size() > 2 && inputs.get(2) != null) {
            int[] c = inputs.get(2).shape();
            if (!broadcastsTo(c, m, n)) {
                throw node.error(Code.INVALID_GRAPH, "C " + inputs.get(2) + " does not broadcast to [" + m + ", " + n + "]");
            }
        }
        return List.of(new TensorType(DataType.FP32, new int[] {m, n}));
    }

    private static boolean broadcastsTo(int[] c, int m, int n) {
        int cm = c.length == 2 ? c[0] : 1;
        int cn = c.length >= 1 ? c[c.length - 1] : 1;
        return c.length <= 2 && (cm == 1 || cm == m) && (cn == 1 || cn == n);
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value b = inputs[1];
        Value y = outputs[0];
        int m = y.shape()[0];
        int n = y.shape()[1];
        int k = transA ? a.shape()[0] : a.shape()[1];
        float[] aData = a.floats();
        int aOffset = a.offset();
        if (transA) {
            float[] t = Scratch.floats(1, m * k);
            Transpose2d.floats(aData, aOffset, k, m, t);
            aData = t;
            aOffset = 0;
        }
        if (packedB != null) {
            gemm.kernel().gemm(m, n, k, aData, aOffset, k, packedB, y.floats(), y.offset(), n, false);
        } else if (transB) {
            float[] t = Scratch.floats(2, k * n);
            Transpose2d.floats(b.floats(), b.offset(), n, k, t);
            gemm.kernel().gemm(m, n, k, aData, aOffset, k, t, 0, n, y.floats(), y.offset(), n, false);
        } else {
            gemm.kernel().gemm(m, n, k, aData, aOffset, k, b.floats(), b.offset(), n, y.floats(), y.offset(), n, false);
        }
        Value c = inputs.length > 2 ? inputs[2] : null;
        scaleAndAdd(y, m, n, c);
    }

    private void scaleAndAdd(Value y, int m, int n, Value c) {
        float[] out = y.floats();
        int base = y.offset();
        if (alpha != 1f) {
            for (int i = 0; i < m * n; i++) {
                out[base + i] *= alpha;
            }
        }
        if (c == null || beta == 0f) {
            return;
        }
        int[] cs = c.shape();
        int cm = cs.length == 2 ? cs[0] : 1;
        int cn = cs.length >= 1 ? cs[cs.length - 1] : 1;
        float[] cData = c.floats();
        for (int i = 0; i < m; i++) {
            int cRow = c.offset() + (cm == 1 ? 0 : i * cn);
            for (int j = 0; j < n; j++) {
                out[base + i * n + j] += beta * cData[cRow + (cn == 1 ? 0 : j)];
            }
        }
    }

    @Override
    public String backend() {
        return gemm.backend();
    }

    @Override
    public long preparedBytes() {
        return packedB == null ? 0 : packedB.bytes();
    }
}
