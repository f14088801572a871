package com.example.quantedge.backend;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.tensor.DataType;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * A kernel backend as a hardware vendor or operator would ship it: one Declarative Services
 * component registering {@link KernelBackend} with a {@code service.ranking} above the gateway's
 * own backends, declaring only the operations it computes (here single-precision products);
 * everything else stays with the gateway's backends. Drop the bundle into the gateway's load/
 * folder to use it, delete it to stop; run the conformance kit (quantedge-backend-tck) against it
 * before shipping.
 */
@Component(service = KernelBackend.class, property = "service.ranking:Integer=500")
public final class SampleBackend implements KernelBackend {

    private static final OpSignature FLOAT_PRODUCT = OpSignature.of(KernelBackend.GEMM, DataType.FP32, DataType.FP32);

    private final FloatGemmKernel gemm = new SampleFloatGemm();

    @Override
    public String name() {
        return "sample-fp32";
    }

    @Override
    public Set<String> requiredCpuFeatures() {
        return Set.of(); // a real accelerator backend lists what it needs and registers only where present
    }

    @Override
    public Set<OpSignature> supportedOps() {
        return Set.of(FLOAT_PRODUCT);
    }

    @Override
    public <K> Optional<K> kernel(Class<K> kernelType) {
        return kernelType == FloatGemmKernel.class ? Optional.of(kernelType.cast(gemm)) : Optional.empty();
    }
}
