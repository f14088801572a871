package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The scalar backend with some of its kernels swapped for others, declaring what the scalar declares. */
final class FaultyBackend implements KernelBackend {

    static final ScalarBackend SCALAR = new ScalarBackend();

    private final Map<Class<?>, Object> kernels = new HashMap<>();
    private final Set<OpSignature> ops;

    private FaultyBackend(Set<OpSignature> ops) {
        this.ops = ops;
        kernels.put(FloatGemmKernel.class, scalar(FloatGemmKernel.class));
        kernels.put(Int8GemmKernel.class, scalar(Int8GemmKernel.class));
        kernels.put(BlockwiseInt4Kernel.class, scalar(BlockwiseInt4Kernel.class));
        kernels.put(BlockwiseInt4Int8Kernel.class, scalar(BlockwiseInt4Int8Kernel.class));
        kernels.put(Int8DepthwiseConvKernel.class, scalar(Int8DepthwiseConvKernel.class));
    }

    static FaultyBackend with(Class<?> kernelType, Object kernel) {
        return new FaultyBackend(SCALAR.supportedOps()).replace(kernelType, kernel);
    }

    FaultyBackend replace(Class<?> kernelType, Object kernel) {
        kernels.put(kernelType, kernel);
        return this;
    }

    /** Declares what the scalar backend declares but answers no kernel of {@code kernelType}. */
    static FaultyBackend without(Class<?> kernelType) {
        FaultyBackend backend = new FaultyBackend(SCALAR.supportedOps());
        backend.kernels.remove(kernelType);
        return backend;
    }

    static <K> K scalar(Class<K> kernelType) {
        return SCALAR.kernel(kernelType).orElseThrow();
    }

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public Set<String> requiredCpuFeatures() {
        return Set.of();
    }

    @Override
    public Set<OpSignature> supportedOps() {
        return ops;
    }

    @Override
    public <K> Optional<K> kernel(Class<K> kernelType) {
        return Optional.ofNullable(kernels.get(kernelType)).map(kernelType::cast);
    }
}
