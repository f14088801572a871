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

/** Float MatMul with numpy semantics; a constant 2-D B (a weight) is packed once. */
final class MatMulOp implements Operator {
    private final NodeContext node;
    private final Selection<FloatGemmKernel> gemm;
    private final PackedMatrix packedB;

    private MatMulOp(NodeContext node, Selection<FloatGemmKernel> gemm, PackedMatrix packedB) {
        this.node = node;
        this.gemm = gemm;
        this.packedB = packedB;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        Selection<FloatGemmKernel> gemm = ConvOp.floatGemm(node);
        Value b = node.constantInput(1).orElse(null);
        PackedMatrix packed = null;
        if (b != null && b.type() == DataType.FP32 && b.rank() == 2) {
            packed = gemm.kernel().pack(b.floats(), b.offset(), b.shape()[1], b.shape()[0], b.shape()[1]);
        }
        return new MatMulOp(node, gemm, packed);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        if (inputs.get(0).type() != DataType.FP32 || inputs.get(1).type() != DataType.FP32) {
            throw node.error(Code.UNSUPPORTED, "MatMul on " + inputs.get(0).type() + " x " + inputs.get(1).type()
                    + " (FP32 is supported; integer products are MatMulInteger)");
        }
        MatMulShapes shapes = MatMulShapes.of(node, inputs.get(0).shape(), inputs.get(1).shape());
        return List.of(new TensorType(DataType.FP32, shapes.output()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value b = inputs[1];
        Value y = outputs[0];
        MatMulShapes s;
        try {
            s = MatMulShapes.of(node, a.shape(), b.shape());
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        int m = s.m();
        int k = s.k();
        int n = s.n();
        if (s.sharedB()) {
            int rows = s.batchCount() * m;
            if (packedB != null) {
                gemm.kernel().gemm(rows, n, k, a.floats(), a.offset(), k, packedB, y.floats(), y.offset(), n, false);
            } else {
                gemm.kernel().gemm(rows, n, k, a.floats(), a.offset(), k, b.floats(), b.offset(), n, y.floats(),
                        y.offset(), n, false);
            }
            return;
        }
        for (int i = 0; i < s.batchCount(); i++) {
            int aOffset = a.offset() + s.operandMatrix(i, s.aBatch()) * m * k;
            int bOffset = b.offset() + s.operandMatrix(i, s.bBatch()) * k * n;
            gemm.kernel().gemm(m, n, k, a.floats(), aOffset, k, b.floats(), bOffset, n, y.floats(),
                    y.offset() + i * m * n, n, false);
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
