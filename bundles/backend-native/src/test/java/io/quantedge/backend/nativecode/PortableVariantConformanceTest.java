package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.tck.KernelBackendConformance;

/** The conformance kit against the forced portable C variant, the path older CPUs take. */
class PortableVariantConformanceTest extends KernelBackendConformance {

    private static final NativeBackend BACKEND = new NativeBackend(KernelVariant.PORTABLE, 1);

    @Override
    protected KernelBackend backend() {
        return BACKEND;
    }
}
