package io.quantedge.backend.scalar;

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
import org.osgi.service.component.annotations.Component;

/**
 * The portable reference kernels, in plain Java: they run on any machine, compute exactly what the
 * contracts say, and are the oracle every faster backend is tested against. Ranked lowest, so any
 * other backend that supports an operation is chosen over this one.
 */
@Component(service = KernelBackend.class, property = "service.ranking:Integer=0")
public final class ScalarBackend implements KernelBackend {

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
            FloatGemmKernel.class, new ScalarFloatGemm(),
            Int8GemmKernel.class, new ScalarInt8Gemm(),
            BlockwiseInt4Kernel.class, new ScalarInt4Blockwise(),
            BlockwiseInt4Int8Kernel.class, new ScalarInt4Int8Blockwise(),
            Int8DepthwiseConvKernel.class, new ScalarDepthwiseConv());

    @Override
    public String name() {
        return "scalar";
    }

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
