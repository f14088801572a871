package io.quantedge.backend.vector;

import static io.quantedge.api.tensor.DataType.FP32;
import static io.quantedge.api.tensor.DataType.INT8;
import static io.quantedge.api.tensor.DataType.UINT4;
import static io.quantedge.api.tensor.DataType.UINT8;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kernels on the Java Vector API: SIMD in pure Java, on whatever vector width the CPU offers, with
 * the same operations as the scalar backend. Registered by {@link VectorBackendRegistration}, which
 * decides its ranking on the running JVM.
 */
public final class VectorBackend implements KernelBackend {

    private static final Set<OpSignature> SUPPORTED_OPS = Set.of(
            OpSignature.of(GEMM, FP32, FP32),
            OpSignature.of(INT_GEMM, INT8, INT8),
            OpSignature.of(INT_GEMM, INT8, UINT8),
            OpSignature.of(INT_GEMM, UINT8, INT8),
            OpSignature.of(INT_GEMM, UINT8, UINT8),
            OpSignature.of(MATMUL_NBITS, FP32, UINT4),
            OpSignature.of(MATMUL_NBITS, INT8, UINT4),
            OpSignature.of(DEPTHWISE_CONV, INT8, INT8),
            OpSignature.of(DEPTHWISE_CONV, INT8, UINT8),
            OpSignature.of(DEPTHWISE_CONV, UINT8, INT8),
            OpSignature.of(DEPTHWISE_CONV, UINT8, UINT8));

    private final Map<Class<?>, Object> kernels = Map.of(
            FloatGemmKernel.class, new VectorFloatGemm(),
            Int8GemmKernel.class, new VectorInt8Gemm(),
            BlockwiseInt4Kernel.class, new VectorInt4Blockwise(),
            BlockwiseInt4Int8Kernel.class, new VectorInt4Int8Blockwise(),
            Int8DepthwiseConvKernel.class, new VectorDepthwiseConv());

    @Override
    public String name() {
        return "vector";
    }

    /** None: the Vector API runs everywhere, it is only slower where C2 cannot map it to SIMD instructions. */
    @Override
    public Set<String> requiredCpuFeatures() {
        return Set.of();
    }

    @Override
    public Set<OpSignature> supportedOps() {
        return SUPPORTED_OPS;
    }

    @Override
    public <K> Optional<K> kernel(Class<K> kernelType) {
        return Optional.ofNullable(kernels.get(kernelType)).map(kernelType::cast);
    }
}
