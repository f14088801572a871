package com.example.quantedge.backend;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.tck.KernelBackendConformance;

/** What every backend project does before shipping: its backend passes the gateway's kit. */
class SampleBackendConformanceTest extends KernelBackendConformance {

    @Override
    protected KernelBackend backend() {
        return new SampleBackend();
    }
}
