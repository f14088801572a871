package io.quantedge.tck.scalar;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.tck.KernelBackendConformance;

/**
 * The reference passes its own kit: the kit asks nothing of a backend the reference does not do.
 * In a package of its own, as a backend project's subclass would be.
 */
class ScalarBackendConformanceTest extends KernelBackendConformance {

    @Override
    protected KernelBackend backend() {
        return new ScalarBackend();
    }
}
