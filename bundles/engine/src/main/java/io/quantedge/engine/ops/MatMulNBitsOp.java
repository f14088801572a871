package io.quantedge.engine.ops;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry.Selection;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/**
 * com.microsoft MatMulNBits with 4-bit weights: {@code Y = A x dequant(B)^T (+ bias)}, B stored
 * [N][ceil(K / block)][block / 2] with per-block float scales and optional packed 4-bit zero
 * points (default 8). The weights are packed once for the chosen backend. With
 * {@code accuracy_level} 4 the model allows int8 activations, and the product runs on a
 * {@link BlockwiseInt4Int8Kernel} as it does in ONNX Runtime; otherwise in single precision.
 */
final class MatMulNBitsOp implements Operator {
    /** The accuracy_level from which MatMulNBits may quantize A to int8. */
    private static final long INT8_ACCURACY_LEVEL = 4;

    private final NodeContext node;
    private final int k;
    private final int n;
    private final String backend;
    private final Product product;
    private final PackedMatrix weights;
    private final Value bias;

    private MatMulNBitsOp(NodeContext node, int k, int n, String backend, Product product, PackedMatrix weights,
                          Value bias) {
        this.node = node;
        this.k = k;
        this.n = n;
        this.backend = backend;
        this.product = product;
        this.weights = weights;
        this.bias = bias;
    }

    /** The chosen kernel's matmul, whichever interface it has. */
    @FunctionalInterface
    private interface Product {
        void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                    int ldc);
    }

    /** The chosen kernel's pack, whichever interface it has. */
    @FunctionalInterface
    private interface Packing {
        PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        int k = Math.toIntExact(node.intAttr("K", -1));
        int n = Math.toIntExact(node.intAttr("N", -1));
        long bits = node.intAttr("bits", 4);
        int blockSize = Math.toIntExact(node.intAttr("block_size", -1));
        if (k < 1 || n < 1 || blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw node.error(Code.MALFORMED, "K, N and block_size (a power of two >= 16) are required; got K=" + k
                    + ", N=" + n + ", block_size=" + blockSize);
        }
        if (bits != 4) {
            throw node.error(Code.UNSUPPORTED, bits + "-bit weights (4-bit are supported)");
        }
        if (node.hasInput(4)) {
            throw node.error(Code.UNSUPPORTED, "g_idx (act-order) input");
        }
        Value b = node.requireConstantInput(1, "the quantized weight B");
        Value scales = node.requireConstantInput(2, "the scales");
        Value zeros = node.hasInput(3) ? node.requireConstantInput(3, "the zero points") : null;
        if (b.type() != DataType.UINT8 || scales.type() != DataType.FP32 || (zeros != null && zeros.type() != DataType.UINT8)) {
            throw node.error(Code.UNSUPPORTED, "B " + b + ", scales " + scales + ", zero points " + zeros
                    + " (uint8, FP32 and packed uint8 zero points are supported)");
        }
        String backend;
        Product product;
        Packing packing;
        if (node.intAttr("accuracy_level", 0) >= INT8_ACCURACY_LEVEL) {
            Selection<BlockwiseInt4Int8Kernel> kernel = select(node, DataType.INT8, BlockwiseInt4Int8Kernel.class);
            backend = kernel.backend();
            product = kernel.kernel()::matmul;
            packing = kernel.kernel()::pack;
        } else {
            Selection<BlockwiseInt4Kernel> kernel = select(node, DataType.FP32, BlockwiseInt4Kernel.class);
            backend = kernel.backend();
            product = kernel.kernel()::matmul;
            packing = kernel.kernel()::pack;
        }
        byte[] quantized = Arrays.copyOfRange(b.bytes(), b.offset(), b.offset() + b.size());
        float[] s = Arrays.copyOfRange(scales.floats(), scales.offset(), scales.offset() + scales.size());
        byte[] z = zeros == null ? null : Arrays.copyOfRange(zeros.bytes(), zeros.offset(), zeros.offset() + zeros.size());
        PackedMatrix packed;
        try {
            packed = packing.pack(quantized, s, z, k, n, blockSize);
        } catch (IllegalArgumentException e) {
            throw node.error(Code.INVALID_GRAPH, "weights do not match K=" + k + ", N=" + n + ", block_size="
                    + blockSize + ": " + e.getMessage());
        }
        Value bias = node.hasInput(5) ? node.requireConstantInput(5, "the bias") : null;
        return new MatMulNBitsOp(node, k, n, backend, product, packed, bias);
    }

    private static <K> Selection<K> select(NodeContext node, DataType activations, Class<K> kernelType)
            throws ModelLoadException {
        OpSignature signature = OpSignature.of(KernelBackend.MATMUL_NBITS, activations, DataType.UINT4);
        return node.kernels().select(signature, kernelType)
                .orElseThrow(() -> node.error(Code.UNSUPPORTED, "no kernel backend computes " + signature));
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType a = inputs.get(0);
        if (a.type() != DataType.FP32 || a.rank() < 1 || a.shape()[a.rank() - 1] != k) {
            throw node.error(Code.INVALID_GRAPH, "A must be FP32 [..., " + k + "], got " + a);
        }
        int[] out = a.shape().clone();
        out[out.length - 1] = n;
        return List.of(new TensorType(DataType.FP32, out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value a = inputs[0];
        Value y = outputs[0];
        int m = a.size() / k;
        product.matmul(m, n, k, a.floats(), a.offset(), k, weights, y.floats(), y.offset(), n);
        if (bias != null) {
            float[] out = y.floats();
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    out[y.offset() + r * n + j] += bias.floats()[bias.offset() + j];
                }
            }
        }
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public long preparedBytes() {
        return weights.bytes();
    }
}
