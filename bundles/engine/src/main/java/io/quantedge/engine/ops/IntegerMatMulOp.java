package io.quantedge.engine.ops;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
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
 * Integer matrix products with numpy batch semantics: MatMulInteger (int32 result), QLinearMatMul
 * (requantized 8-bit result) and the engine's fused QDQ Gemm (requantized, with an int32 bias and
 * an optionally transposed constant B). A constant 2-D B (the weight) is packed once with its zero
 * points; otherwise B is packed per product. Per-row A zero points (MatMulInteger) go row by row.
 */
final class IntegerMatMulOp implements Operator {

    /** Where each operand is in the op's input list; -1 where the op has no such input. */
    record Inputs(int a, int aScale, int aZero, int b, int bScale, int bZero, int yScale, int yZero, int bias) {
        boolean requantized() {
            return yScale >= 0;
        }
    }

    static final Inputs MATMUL_INTEGER = new Inputs(0, -1, 2, 1, -1, 3, -1, -1, -1);
    static final Inputs QLINEAR_MATMUL = new Inputs(0, 1, 2, 3, 4, 5, 6, 7, -1);
    /** The fused form of DequantizeLinear -> Gemm -> QuantizeLinear (see QdqFusion). */
    static final Inputs QDQ_GEMM = new Inputs(0, 1, 2, 3, 4, 5, 6, 7, 8);

    private final NodeContext node;
    private final Inputs at;
    private final boolean transB;
    private final Value constantB;
    private final Value constantBZero;
    private final boolean packable;
    private volatile Selection<Int8GemmKernel> kernel;
    private volatile PackedMatrix packedB;
    /** True when the scales, output zero point and bias are constants, so they are read once. */
    private final boolean requantizationConstant;
    private volatile Requantization requantization;

    private IntegerMatMulOp(NodeContext node, Inputs at, boolean transB) {
        this.node = node;
        this.at = at;
        this.transB = transB;
        this.constantB = node.constantInput(at.b()).orElse(null);
        this.constantBZero = at.bZero() < 0 ? null : node.constantInput(at.bZero()).orElse(null);
        this.packable = constantB != null && constantB.rank() == 2
                && (!node.hasInput(at.bZero()) || constantBZero != null);
        this.requantizationConstant = at.requantized()
                && Requantization.constantInputs(node, at.aScale(), at.bScale(), at.yScale(), at.yZero(), at.bias());
    }

    static Operator matMulInteger(NodeContext node) {
        return new IntegerMatMulOp(node, MATMUL_INTEGER, false);
    }

    static Operator qLinearMatMul(NodeContext node) {
        return new IntegerMatMulOp(node, QLINEAR_MATMUL, false);
    }

    static Operator qdqGemm(NodeContext node) throws ModelLoadException {
        boolean transB = node.intAttr("transB", 0) != 0;
        if (transB && !node.constantInput(QDQ_GEMM.b()).isPresent()) {
            throw node.error(Code.UNSUPPORTED, "a transposed B that is not a constant");
        }
        return new IntegerMatMulOp(node, QDQ_GEMM, transB);
    }

    /**
     * Chooses the kernel and packs a constant B once the operand types are known (A's type is only
     * known when the first plan is made).
     */
    private synchronized void prepare(DataType aType, DataType bType) throws ModelLoadException {
        if (kernel != null) {
            return;
        }
        Selection<Int8GemmKernel> selected = IntegerKernels.select(node, aType, bType);
        if (packable) {
            int rows = constantB.shape()[0];
            int cols = constantB.shape()[1];
            int k = transB ? cols : rows;
            int n = transB ? rows : cols;
            byte[] kn = transB ? Transpose2d.bytes(constantB.bytes(), constantB.offset(), rows, cols) : constantB.bytes();
            int offset = transB ? 0 : constantB.offset();
            packedB = selected.kernel().pack(kn, offset, n, k, n, bType == DataType.INT8,
                    IntegerKernels.zeroPoints(constantBZero, constantBZero == null || constantBZero.size() == 1 ? 1 : n));
        }
        kernel = selected;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = inputs.get(at.a());
        TensorType b = inputs.get(at.b());
        int[] bShape = transB ? new int[] {b.shape()[1], b.shape()[0]} : b.shape();
        MatMulShapes shapes = MatMulShapes.of(node, a.shape(), bShape);
        TensorType aZero = input(inputs, at.aZero());
        if (aZero != null && aZero.size() != 1 && (at.requantized() || aZero.size() != shapes.m())) {
            throw node.error(Code.UNSUPPORTED, "A zero point " + aZero + " (per-tensor"
                    + (at.requantized() ? "" : " or per-row") + " is supported)");
        }
        TensorType bZero = input(inputs, at.bZero());
        if (bZero != null && bZero.size() != 1 && bZero.size() != shapes.n()) {
            throw node.error(Code.INVALID_GRAPH, "B zero point " + bZero + " must be a scalar or one per column");
        }
        prepare(a.type(), b.type());
        if (!at.requantized()) {
            return List.of(new TensorType(DataType.INT32, shapes.output()));
        }
        if (inputs.get(at.aScale()).size() != 1) {
            throw node.error(Code.UNSUPPORTED, "per-row a_scale");
        }
        TensorType yZero = input(inputs, at.yZero());
        return List.of(new TensorType(yZero != null ? yZero.type() : a.type(), shapes.output()));
    }

    private static TensorType input(List<TensorType> inputs, int index) {
        return index >= 0 && index < inputs.size() ? inputs.get(index) : null;
    }

    private static Value input(Value[] inputs, int index) {
        return index >= 0 && index < inputs.length ? inputs[index] : null;
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[at.a()];
        Value b = inputs[at.b()];
        Value aZero = input(inputs, at.aZero());
        Value bZero = input(inputs, at.bZero());
        Int8GemmKernel k8 = kernel.kernel();
        int[] bShape = transB ? new int[] {b.shape()[1], b.shape()[0]} : b.shape();
        MatMulShapes s;
        try {
            s = MatMulShapes.of(node, a.shape(), bShape);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        int m = s.m();
        int k = s.k();
        int n = s.n();
        boolean requantized = at.requantized();
        int[] acc = requantized ? Scratch.ints(0, m * n) : null;
        Requantization requant = requantized ? requantization(inputs, n) : null;
        boolean aSigned = a.type() == DataType.INT8;
        int bZeros = bZero == null || bZero.size() == 1 ? 1 : n;
        for (int i = 0; i < s.batchCount(); i++) {
            int aOffset = a.offset() + s.operandMatrix(i, s.aBatch()) * m * k;
            PackedMatrix bPacked = packedB;
            if (bPacked == null) {
                int bOffset = b.offset() + s.operandMatrix(i, s.bBatch()) * k * n;
                bPacked = k8.pack(b.bytes(), bOffset, n, k, n, b.type() == DataType.INT8,
                        IntegerKernels.zeroPoints(bZero, bZeros));
            }
            int[] c = requantized ? acc : outputs[0].ints();
            int cOffset = requantized ? 0 : outputs[0].offset() + i * m * n;
            if (aZero != null && aZero.size() > 1) {
                for (int r = 0; r < m; r++) {
                    k8.gemm(1, n, k, a.bytes(), aOffset + r * k, k, aSigned, (int) aZero.integerAt(r), bPacked, c,
                            cOffset + r * n, n);
                }
            } else {
                int za = aZero == null ? 0 : (int) aZero.integerAt(0);
                k8.gemm(m, n, k, a.bytes(), aOffset, k, aSigned, za, bPacked, c, cOffset, n);
            }
            if (requantized) {
                Value y = outputs[0];
                k8.requantize(m, n, acc, 0, n, requant.bias(), requant.multipliers(), requant.yZero(),
                        y.type() == DataType.INT8, Rounding.HALF_TO_EVEN, y.bytes(), y.offset() + i * m * n, n);
            }
        }
    }

    /** The requantization for {@code n} columns: read once when its inputs are constants. */
    private Requantization requantization(Value[] inputs, int n) {
        Requantization known = requantization;
        if (known != null && known.columnCount() == n) {
            return known;
        }
        Requantization read = Requantization.read(inputs[at.aScale()], inputs[at.bScale()], inputs[at.yScale()],
                input(inputs, at.yZero()), input(inputs, at.bias()), n);
        if (requantizationConstant) {
            requantization = read;
        }
        return read;
    }

    @Override
    public String backend() {
        return kernel == null ? "engine" : kernel.backend();
    }

    @Override
    public long preparedBytes() {
        return packedB == null ? 0 : packedB.bytes();
    }
}
