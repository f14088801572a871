package io.quantedge.backend.nativecode;

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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Kernels in C through JNI, the fastest variant the CPU runs (or a forced one). Disabled until
 * {@link NativeLibraryProbe} has loaded the library, so on a machine without a matching library the
 * service never appears and the engine keeps using the other backends. Ranked above the Java
 * backends. Owns the thread pool its products are split over, shut down on deactivation.
 */
@Component(service = KernelBackend.class, enabled = false, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = "service.ranking:Integer=200")
@Designate(ocd = NativeBackendOptions.class)
public final class NativeBackend implements KernelBackend, AutoCloseable {

    /** System property forcing a variant by label, e.g. {@code -Dquantedge.native.variant=portable}. */
    public static final String VARIANT_PROPERTY = "quantedge.native.variant";

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

    private final KernelVariant variant;
    private final ParallelColumns parallel;
    private final Map<Class<?>, Object> kernels;

    @Activate
    public NativeBackend(NativeBackendOptions options) {
        this(chooseVariant(options.variant()), options.threads());
    }

    /** A backend on {@code variant} splitting products over {@code threads} threads (0: every core). */
    NativeBackend(KernelVariant variant, int threads) {
        NativeLibrary.load();
        if (!variant.isIn(NativeKernels.supportedVariants())) {
            throw new IllegalArgumentException("kernel variant " + variant.label() + " does not run on this CPU");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (every core) or more, got " + threads);
        }
        this.variant = variant;
        this.parallel = new ParallelColumns(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        this.kernels = Map.of(
                Int8GemmKernel.class, new NativeInt8Gemm(variant, parallel),
                FloatGemmKernel.class, new NativeFloatGemm(variant, parallel),
                BlockwiseInt4Kernel.class, new NativeInt4Blockwise(variant, parallel),
                BlockwiseInt4Int8Kernel.class, new NativeInt4Int8Blockwise(variant, parallel),
                Int8DepthwiseConvKernel.class, new NativeDepthwiseConv(variant, parallel));
    }

    /** The fastest variant this CPU runs, unless one is forced by label (configuration, then system property). */
    static KernelVariant chooseVariant(String configured) {
        NativeLibrary.load();
        String forced = configured == null || configured.isBlank() ? System.getProperty(VARIANT_PROPERTY, "")
                : configured;
        if (forced.isBlank()) {
            return KernelVariant.fastest(NativeKernels.supportedVariants());
        }
        return KernelVariant.byLabel(forced).orElseThrow(() -> new IllegalArgumentException("unknown kernel variant '"
                + forced + "': use one of " + KernelVariant.labels()));
    }

    KernelVariant variant() {
        return variant;
    }

    int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "native-" + variant.label();
    }

    @Override
    public Set<String> requiredCpuFeatures() {
        return variant.cpuFeatures();
    }

    @Override
    public Set<OpSignature> supportedOps() {
        return SUPPORTED_OPS;
    }

    @Override
    public <K> Optional<K> kernel(Class<K> kernelType) {
        return Optional.ofNullable(kernels.get(kernelType)).map(kernelType::cast);
    }

    @Deactivate
    @Override
    public void close() {
        parallel.close();
    }
}
