package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.tensor.DataType;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite every {@link KernelBackend} must pass, checked against the scalar backend
 * (the reference): subclass it in the backend's tests and return the backend from
 * {@link #backend()}.
 *
 * <pre>{@code
 * class VectorBackendConformanceTest extends KernelBackendConformance {
 *     protected KernelBackend backend() { return new VectorBackend(); }
 * }
 * }</pre>
 *
 * <p>Each kernel interface the backend answers in {@code kernel(Class)} is checked: integer
 * products, requantization and depthwise convolutions bit-exact, float and 4-bit products within
 * {@link FloatTolerance}, calls from several threads at once, and calls outside the contract
 * refused with IllegalArgumentException before anything is written. Integer products and depthwise
 * convolutions are checked for each signedness the backend declares. A kernel the backend does not
 * answer is reported as skipped. Each shape and case is its own reported test; the whole suite
 * takes a few seconds against the scalar backend.
 */
public abstract class KernelBackendConformance {

    /** What each op name the engine uses is computed by, and the input types that kernel can take. */
    private static final Map<String, Class<?>> KERNEL_OF_OP = Map.of(
            KernelBackend.GEMM, FloatGemmKernel.class,
            KernelBackend.INT_GEMM, Int8GemmKernel.class,
            KernelBackend.MATMUL_NBITS, BlockwiseInt4Kernel.class,
            KernelBackend.DEPTHWISE_CONV, Int8DepthwiseConvKernel.class);
    private static final OpSignature FLOAT_GEMM = OpSignature.of(KernelBackend.GEMM, DataType.FP32, DataType.FP32);
    private static final OpSignature INT4_MATMUL = OpSignature.of(KernelBackend.MATMUL_NBITS, DataType.FP32,
            DataType.UINT4);
    private static final OpSignature INT4_INT8_MATMUL = OpSignature.of(KernelBackend.MATMUL_NBITS, DataType.INT8,
            DataType.UINT4);

    private static final KernelBackend REFERENCE = new ScalarBackend();

    private KernelBackend backend;

    /** The backend under test. Called once per test; may return a new instance each time. */
    protected abstract KernelBackend backend();

    /** How many threads call a kernel at once in the thread-safety tests. */
    protected int threads() {
        return Math.max(4, Runtime.getRuntime().availableProcessors());
    }

    /** The seed of every random operand; all of them derive from it, so a failure repeats exactly. */
    protected long seed() {
        return 0x5EED_2024L;
    }

    private KernelBackend tested() {
        if (backend == null) {
            backend = backend();
            assertNotNull(backend, "backend() returned null");
        }
        return backend;
    }

    // ---- Declarations -----------------------------------------------------------------------

    @Test
    void hasAStableNonBlankName() {
        String name = tested().name();
        assertNotNull(name, "name()");
        assertFalse(name.isBlank(), "name() is blank");
        assertEquals(name, tested().name(), "name() changed between calls");
        assertEquals(name, backend().name(), "another instance from backend() has another name");
        assertNotNull(tested().requiredCpuFeatures(), "requiredCpuFeatures() returned null");
    }

    @Test
    void supportsEveryOperationItDeclares() {
        Set<OpSignature> declared = tested().supportedOps();
        assertNotNull(declared, "supportedOps() returned null");
        assertFalse(declared.isEmpty(), "supportedOps() is empty: the engine would never choose this backend");
        for (OpSignature op : declared) {
            assertTrue(tested().supports(op), "declares " + op + " but supports(" + op + ") is false");
        }
        OpSignature unknown = OpSignature.of("NoSuchOperation", DataType.BOOL);
        assertFalse(tested().supports(unknown), "supports an operation nobody declared: " + unknown);
    }

    /**
     * Each declared operation is served by its kernel (the engine asks {@code supports} first and
     * then {@code kernel}; a declared op without its kernel falls through to a slower backend), and
     * names input types that kernel can compute.
     */
    @Test
    void servesEveryDeclaredOperationWithItsKernel() {
        List<String> problems = new ArrayList<>();
        for (OpSignature op : tested().supportedOps()) {
            Class<?> kernelType = op.equals(INT4_INT8_MATMUL) ? BlockwiseInt4Int8Kernel.class
                    : KERNEL_OF_OP.get(op.op());
            if (kernelType == null) {
                continue; // an op from a newer API than this kit: not checked here
            }
            Optional<?> kernel = tested().kernel(kernelType);
            if (kernel == null || kernel.isEmpty()) {
                problems.add("declares " + op + " but kernel(" + kernelType.getSimpleName() + ") is empty");
            } else if (!kernelType.isInstance(kernel.get())) {
                problems.add("kernel(" + kernelType.getSimpleName() + ") answers a " + kernel.get().getClass());
            }
            boolean computable = switch (op.op()) {
                case KernelBackend.GEMM -> op.equals(FLOAT_GEMM);
                case KernelBackend.INT_GEMM -> IntegerSignedness.of(op).isPresent();
                case KernelBackend.DEPTHWISE_CONV -> IntegerSignedness.of(KernelBackend.DEPTHWISE_CONV, op).isPresent();
                default -> op.equals(INT4_MATMUL) || op.equals(INT4_INT8_MATMUL);
            };
            if (!computable) {
                problems.add("declares " + op + ", which " + kernelType.getSimpleName() + " cannot compute");
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("; ", problems));
        }
    }

    @Test
    void answersEmptyForKernelsItDoesNotHave() {
        assertTrue(tested().kernel(Runnable.class).isEmpty(), "kernel(Runnable.class) is not empty");
        assertTrue(tested().kernel(String.class).isEmpty(), "kernel(String.class) is not empty");
    }

    // ---- Kernels ----------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicNode> integerProducts() {
        Int8GemmKernel kernel = required(Int8GemmKernel.class);
        return new Int8GemmConformance(kernel, reference(Int8GemmKernel.class), seed())
                .tests(declaredSignedness(KernelBackend.INT_GEMM));
    }

    @TestFactory
    Stream<DynamicNode> requantization() {
        Int8GemmKernel kernel = required(Int8GemmKernel.class);
        return new RequantizeConformance(kernel, reference(Int8GemmKernel.class), seed()).tests();
    }

    @TestFactory
    Stream<DynamicNode> floatProducts() {
        FloatGemmKernel kernel = required(FloatGemmKernel.class);
        return new FloatGemmConformance(kernel, reference(FloatGemmKernel.class), seed()).tests();
    }

    @TestFactory
    Stream<DynamicNode> blockwiseInt4Products() {
        BlockwiseInt4Kernel kernel = required(BlockwiseInt4Kernel.class);
        return new BlockwiseInt4Conformance(kernel, reference(BlockwiseInt4Kernel.class), seed()).tests();
    }

    @TestFactory
    Stream<DynamicNode> blockwiseInt4Int8Products() {
        BlockwiseInt4Int8Kernel kernel = required(BlockwiseInt4Int8Kernel.class);
        return BlockwiseInt4Conformance.int8Activations(kernel, reference(BlockwiseInt4Int8Kernel.class), seed())
                .tests();
    }

    @TestFactory
    Stream<DynamicNode> depthwiseConvolutions() {
        Int8DepthwiseConvKernel kernel = required(Int8DepthwiseConvKernel.class);
        return new DepthwiseConvConformance(kernel, reference(Int8DepthwiseConvKernel.class), seed())
                .tests(declaredSignedness(KernelBackend.DEPTHWISE_CONV));
    }

    @TestFactory
    Stream<DynamicNode> threadSafety() {
        ConcurrencyConformance concurrency = new ConcurrencyConformance(threads(), seed());
        List<DynamicNode> tests = new ArrayList<>();
        tested().kernel(Int8GemmKernel.class).ifPresent(kernel -> declaredSignedness(KernelBackend.INT_GEMM).forEach(types ->
                tests.add(dynamicTest("integer products " + types, () -> concurrency.int8(kernel, types)))));
        tested().kernel(FloatGemmKernel.class).ifPresent(kernel ->
                tests.add(dynamicTest("float products", () -> concurrency.floats(kernel))));
        tested().kernel(BlockwiseInt4Kernel.class).ifPresent(kernel ->
                tests.add(dynamicTest("4-bit blockwise products", () -> concurrency.int4(kernel))));
        tested().kernel(Int8DepthwiseConvKernel.class).ifPresent(kernel -> declaredSignedness(
                KernelBackend.DEPTHWISE_CONV).forEach(types -> tests.add(dynamicTest("depthwise convolutions, "
                        + DepthwiseConvConformance.describe(types), () -> concurrency.depthwise(kernel, types)))));
        tested().kernel(BlockwiseInt4Int8Kernel.class).ifPresent(kernel -> tests.add(dynamicTest(
                "4-bit blockwise products with int8 activations", () -> concurrency.int4(new Int8Activations(kernel)))));
        assumeTrue(!tests.isEmpty(), "the backend answers none of the kernel interfaces this kit knows");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicNode> refusesCallsOutsideTheContract() {
        List<DynamicNode> groups = new ArrayList<>();
        tested().kernel(Int8GemmKernel.class).ifPresent(kernel -> groups.add(dynamicContainer("Int8GemmKernel",
                RefusalConformance.int8(kernel, reference(Int8GemmKernel.class)))));
        tested().kernel(FloatGemmKernel.class).ifPresent(kernel -> groups.add(dynamicContainer("FloatGemmKernel",
                RefusalConformance.floats(kernel, reference(FloatGemmKernel.class)))));
        tested().kernel(BlockwiseInt4Kernel.class).ifPresent(kernel -> groups.add(dynamicContainer(
                "BlockwiseInt4Kernel", RefusalConformance.int4(kernel, reference(BlockwiseInt4Kernel.class)))));
        tested().kernel(BlockwiseInt4Int8Kernel.class).ifPresent(kernel -> groups.add(dynamicContainer(
                "BlockwiseInt4Int8Kernel", RefusalConformance.int4(new Int8Activations(kernel),
                        new Int8Activations(reference(BlockwiseInt4Int8Kernel.class))))));
        tested().kernel(Int8DepthwiseConvKernel.class).ifPresent(kernel -> groups.add(dynamicContainer(
                "Int8DepthwiseConvKernel", RefusalConformance.depthwise(kernel,
                        reference(Int8DepthwiseConvKernel.class)))));
        assumeTrue(!groups.isEmpty(), "the backend answers none of the kernel interfaces this kit knows");
        return groups.stream();
    }

    /**
     * The integer signedness combinations of operation {@code opName} to check: those the backend
     * declares, or all four if it answers the kernel without declaring any (the interface promises
     * all of them).
     */
    private List<IntegerSignedness> declaredSignedness(String opName) {
        List<IntegerSignedness> declared = tested().supportedOps().stream().map(op -> IntegerSignedness.of(opName, op))
                .flatMap(Optional::stream).distinct().sorted((x, y) -> x.toString().compareTo(y.toString())).toList();
        return declared.isEmpty() ? IntegerSignedness.ALL : declared;
    }

    private <K> K required(Class<K> kernelType) {
        Optional<K> kernel = tested().kernel(kernelType);
        assumeTrue(kernel.isPresent(), () -> tested().name() + " does not implement " + kernelType.getSimpleName());
        return kernel.get();
    }

    private static <K> K reference(Class<K> kernelType) {
        return REFERENCE.kernel(kernelType).orElseThrow();
    }
}
