package io.quantedge.api.kernel;

import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A provider of compute kernels for one kind of hardware. Backends are services: the engine
 * tracks all of them and, for each operation, uses the highest {@code service.ranking} backend
 * that supports it, so an operator can add a faster backend bundle at run time. A backend only
 * registers when the CPU features it needs are present on the running machine.
 *
 * <p>Kernels are looked up by the interface the engine calls ({@code kernel(Int8GemmKernel.class)},
 * say); a backend answers empty for a kernel interface it does not implement. New kernel
 * interfaces can be added to this package without changing this one. The engine names its
 * operations with the constants below in {@link OpSignature}s.
 */
@ConsumerType
public interface KernelBackend {

    /** Float products: {@code OpSignature.of(GEMM, FP32, FP32)}, served by {@link FloatGemmKernel}. */
    String GEMM = "Gemm";
    /** Integer products, e.g. {@code OpSignature.of(INT_GEMM, UINT8, INT8)}, served by {@link Int8GemmKernel}. */
    String INT_GEMM = "IntegerGemm";
    /**
     * 4-bit block-quantized weights: {@code OpSignature.of(MATMUL_NBITS, FP32, UINT4)}, by {@link BlockwiseInt4Kernel};
     * with activations quantized to int8 ({@code accuracy_level = 4}), {@code OpSignature.of(MATMUL_NBITS, INT8, UINT4)},
     * by {@link BlockwiseInt4Int8Kernel}.
     */
    String MATMUL_NBITS = "MatMulNBits";
    /**
     * Integer depthwise convolution, e.g. {@code OpSignature.of(DEPTHWISE_CONV, UINT8, INT8)} for
     * uint8 images and int8 filters, served by {@link Int8DepthwiseConvKernel}.
     *
     * @since 1.4
     */
    String DEPTHWISE_CONV = "DepthwiseConv";

    /** Stable, short name, such as "scalar" or "native-avx512vnni"; shown in reports and status. */
    String name();

    /** CPU features the backend relies on, such as "avx2", "avx512_vnni", "asimddp". */
    Set<String> requiredCpuFeatures();

    /** The operations and input types this backend computes. */
    Set<OpSignature> supportedOps();

    default boolean supports(OpSignature op) {
        return supportedOps().contains(op);
    }

    /** The backend's implementation of {@code kernelType}, if it has one. */
    <K> Optional<K> kernel(Class<K> kernelType);
}
