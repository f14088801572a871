package io.quantedge.backend.scalar;

import static io.quantedge.api.tensor.DataType.FP16;
import static io.quantedge.api.tensor.DataType.FP32;
import static io.quantedge.api.tensor.DataType.INT4;
import static io.quantedge.api.tensor.DataType.INT8;
import static io.quantedge.api.tensor.DataType.UINT4;
import static io.quantedge.api.tensor.DataType.UINT8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScalarBackendTest {

    private final KernelBackend backend = new ScalarBackend();

    @Test
    void declaresExactlyTheOperationsItServes() {
        Set<OpSignature> served = Set.of(
                OpSignature.of(KernelBackend.GEMM, FP32, FP32),
                OpSignature.of(KernelBackend.INT_GEMM, INT8, INT8),
                OpSignature.of(KernelBackend.INT_GEMM, INT8, UINT8),
                OpSignature.of(KernelBackend.INT_GEMM, UINT8, INT8),
                OpSignature.of(KernelBackend.INT_GEMM, UINT8, UINT8),
                OpSignature.of(KernelBackend.MATMUL_NBITS, FP32, UINT4),
                OpSignature.of(KernelBackend.MATMUL_NBITS, INT8, UINT4),
                OpSignature.of(KernelBackend.DEPTHWISE_CONV, INT8, INT8),
                OpSignature.of(KernelBackend.DEPTHWISE_CONV, INT8, UINT8),
                OpSignature.of(KernelBackend.DEPTHWISE_CONV, UINT8, INT8),
                OpSignature.of(KernelBackend.DEPTHWISE_CONV, UINT8, UINT8));
        assertEquals(served, backend.supportedOps());
        served.forEach(op -> assertTrue(backend.supports(op), op::toString));
    }

    @Test
    void declinesWhatItDoesNotServe() {
        assertFalse(backend.supports(OpSignature.of(KernelBackend.INT_GEMM, INT4, INT4)));
        assertFalse(backend.supports(OpSignature.of(KernelBackend.INT_GEMM, INT8)));
        assertFalse(backend.supports(OpSignature.of(KernelBackend.GEMM, FP16, FP16)));
        assertFalse(backend.supports(OpSignature.of(KernelBackend.GEMM, INT8, INT8)));
        assertFalse(backend.supports(OpSignature.of(KernelBackend.MATMUL_NBITS, FP32, INT4)));
        assertFalse(backend.supports(OpSignature.of("MatMul", FP32, FP32)));
    }

    @Test
    void answersEachKernelInterfaceAndNothingElse() {
        assertInstanceOf(ScalarFloatGemm.class, backend.kernel(FloatGemmKernel.class).orElseThrow());
        assertInstanceOf(ScalarInt8Gemm.class, backend.kernel(Int8GemmKernel.class).orElseThrow());
        assertInstanceOf(ScalarInt4Blockwise.class, backend.kernel(BlockwiseInt4Kernel.class).orElseThrow());
        assertInstanceOf(ScalarInt4Int8Blockwise.class, backend.kernel(BlockwiseInt4Int8Kernel.class).orElseThrow());
        assertInstanceOf(ScalarDepthwiseConv.class, backend.kernel(Int8DepthwiseConvKernel.class).orElseThrow());
        assertTrue(backend.kernel(Object.class).isEmpty());
        assertTrue(backend.kernel(Runnable.class).isEmpty());
    }

    @Test
    void runsAnywhereUnderItsOwnName() {
        assertEquals("scalar", backend.name());
        assertTrue(backend.requiredCpuFeatures().isEmpty());
    }

    @Test
    void registersAsAKernelBackendRankedBelowEveryOther() throws IOException {
        String component = componentDescription();
        assertTrue(component.contains("<provide interface=\"io.quantedge.api.kernel.KernelBackend\"/>"), component);
        assertTrue(component.contains("<property name=\"service.ranking\" type=\"Integer\" value=\"0\"/>"),
                component);
    }

    /** The DS descriptor bnd generated from the annotations, as the framework will read it. */
    private static String componentDescription() throws IOException {
        String path = "/OSGI-INF/" + ScalarBackend.class.getName() + ".xml";
        try (InputStream in = ScalarBackend.class.getResourceAsStream(path)) {
            assertNotNull(in, path + " missing: bnd did not process the @Component annotation");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
