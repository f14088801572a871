package io.quantedge.backend.vector;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.backend.scalar.ScalarBackend;

/** The scalar backend's kernels, the oracle the vector kernels are checked against. */
final class ReferenceKernels {

    private static final ScalarBackend SCALAR = new ScalarBackend();

    static final Int8GemmKernel INT8 = SCALAR.kernel(Int8GemmKernel.class).orElseThrow();
    static final FloatGemmKernel FLOAT = SCALAR.kernel(FloatGemmKernel.class).orElseThrow();
    static final BlockwiseInt4Kernel INT4 = SCALAR.kernel(BlockwiseInt4Kernel.class).orElseThrow();

    private ReferenceKernels() {
    }
}
