package io.quantedge.backend.vector;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.tck.KernelBackendConformance;

/** The shared backend conformance kit, run against this backend. */
class VectorBackendConformanceTest extends KernelBackendConformance {

    @Override
    protected KernelBackend backend() {
        return new VectorBackend();
    }
}
