package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.tck.KernelBackendConformance;

/** The conformance kit against the fastest variant this CPU runs, products split over two threads. */
class NativeBackendConformanceTest extends KernelBackendConformance {

    private static final NativeBackend BACKEND = new NativeBackend(NativeBackend.chooseVariant(""), 2);

    @Override
    protected KernelBackend backend() {
        return BACKEND;
    }
}
