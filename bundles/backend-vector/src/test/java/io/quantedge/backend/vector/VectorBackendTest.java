package io.quantedge.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VectorBackendTest {

    private final KernelBackend backend = new VectorBackend();

    @Test
    void offersTheSameOperationsAsTheScalarBackend() {
        assertEquals("vector", backend.name());
        assertEquals(new ScalarBackend().supportedOps(), backend.supportedOps());
        assertEquals(Set.of(), backend.requiredCpuFeatures());
    }

    @Test
    void answersForEachKernelInterfaceItImplementsAndEmptyOtherwise() {
        assertTrue(backend.kernel(FloatGemmKernel.class).orElseThrow() instanceof VectorFloatGemm);
        assertTrue(backend.kernel(Int8GemmKernel.class).orElseThrow() instanceof VectorInt8Gemm);
        assertTrue(backend.kernel(BlockwiseInt4Kernel.class).orElseThrow() instanceof VectorInt4Blockwise);
        assertTrue(backend.kernel(BlockwiseInt4Int8Kernel.class).orElseThrow() instanceof VectorInt4Int8Blockwise);
        assertTrue(backend.kernel(Int8DepthwiseConvKernel.class).orElseThrow() instanceof VectorDepthwiseConv);
        assertTrue(backend.kernel(Runnable.class).isEmpty());
    }

    @Test
    void theActivationSelfCheckPassesOnThisMachine() {
        assertTrue(KernelSelfCheck.int8ProductMatchesDefinition(new VectorInt8Gemm()));
    }
}
