package io.quantedge.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.backend.scalar.ScalarBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Backends come and go while a model is in use: it is prepared again and swapped, runs never fail. */
class HotPlugTest {

    /** A stand-in for an operator's bundle: the scalar kernels for float products, under another name. */
    private static final class FastBackend implements KernelBackend {
        private final ScalarBackend kernels = new ScalarBackend();
        private final String name;

        FastBackend() {
            this("fast");
        }

        FastBackend(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<String> requiredCpuFeatures() {
            return Set.of();
        }

        @Override
        public Set<OpSignature> supportedOps() {
            return Set.of(OpSignature.of(KernelBackend.GEMM, DataType.FP32, DataType.FP32));
        }

        @Override
        public <K> Optional<K> kernel(Class<K> type) {
            return kernels.kernel(type);
        }
    }

    private final Map<KernelBackend, Integer> backends = new ConcurrentHashMap<>(Map.of(new ScalarBackend(), 0));
    private final AtomicReference<BackendSelection> selection = new AtomicReference<>(BackendSelection.RANKING_ORDER);
    private final Engine engine = new Engine(List::of, () -> selection.get().registry(backends));

    private Model gemmModel() throws ModelLoadException {
        Random random = new Random(3);
        return engine.load(new TestGraphs()
                .input(TensorSpec.of("x", DataType.FP32, 2, 8))
                .output(TensorSpec.of("y", DataType.FP32, 2, 4))
                .initializer("w", Tensor.ofFloats(Shape.of(8, 4), TestGraphs.randomFloats(random, 32)))
                .node("Gemm", List.of("x", "w"), List.of("y"), Map.of())
                .build(), "gemm");
    }

    private static String backendOf(ModelReport report, String opType) {
        return report.nodes().stream().filter(n -> n.opType().equals(opType)).findFirst().orElseThrow().backend();
    }

    @Test
    void aBetterBackendTakesOverLiveModelsAndLeavingHandsThemBack() throws Exception {
        try (Model model = gemmModel()) {
            Tensor x = Tensor.ofFloats(Shape.of(2, 8), TestGraphs.randomFloats(new Random(4), 16));
            float[] before = model.run(Map.of("x", x)).get("y").toFloatArray();
            assertEquals("scalar", backendOf(model.report(), "Gemm"));

            FastBackend fast = new FastBackend();
            backends.put(fast, 100);
            assertTrue(engine.reprepareAll().isEmpty());
            assertEquals("fast", backendOf(model.report(), "Gemm"));
            assertArrayEquals(before, model.run(Map.of("x", x)).get("y").toFloatArray());

            backends.remove(fast);
            assertTrue(engine.reprepareAll().isEmpty());
            assertEquals("scalar", backendOf(model.report(), "Gemm"));
        }
    }

    @Test
    void operatorsCanExcludeOrPinBackends() throws Exception {
        backends.put(new FastBackend(), 100);
        try (Model model = gemmModel()) {
            assertEquals("fast", backendOf(model.report(), "Gemm"));
            selection.set(new BackendSelection(Set.of("fast"), ""));
            engine.reprepareAll();
            assertEquals("scalar", backendOf(model.report(), "Gemm"));
            backends.put(new FastBackend("slow-but-pinned"), -5);
            selection.set(new BackendSelection(Set.of(), "slow-but-pinned"));
            engine.reprepareAll();
            assertEquals("slow-but-pinned", backendOf(model.report(), "Gemm"));
        }
    }

    @Test
    void runsInFlightNeverFailWhileModelsAreSwapped() throws Exception {
        FastBackend fast = new FastBackend();
        try (Model model = gemmModel()) {
            Tensor x = Tensor.ofFloats(Shape.of(2, 8), TestGraphs.randomFloats(new Random(5), 16));
            float[] expected = model.run(Map.of("x", x)).get("y").toFloatArray();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger runs = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread runner = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        assertArrayEquals(expected, model.run(Map.of("x", x)).get("y").toFloatArray());
                        runs.incrementAndGet();
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        return;
                    }
                }
            });
            runner.start();
            for (int i = 0; i < 50; i++) {
                if (i % 2 == 0) {
                    backends.put(fast, 100);
                } else {
                    backends.remove(fast);
                }
                engine.reprepareAll();
            }
            stop.set(true);
            runner.join();
            assertEquals(null, failure.get());
            assertTrue(runs.get() > 0);
        }
    }

    @Test
    void aFailedPreparationKeepsTheModelServing() throws Exception {
        try (Model model = gemmModel()) {
            Tensor x = Tensor.ofFloats(Shape.of(2, 8), TestGraphs.randomFloats(new Random(6), 16));
            float[] before = model.run(Map.of("x", x)).get("y").toFloatArray();
            selection.set(new BackendSelection(Set.of("scalar"), "")); // nothing left to compute Gemm
            Map<String, ModelLoadException> failures = engine.reprepareAll();
            assertEquals(Set.of("gemm"), failures.keySet());
            assertEquals(ModelLoadException.Code.UNSUPPORTED, failures.get("gemm").code());
            assertArrayEquals(before, model.run(Map.of("x", x)).get("y").toFloatArray());
            assertEquals("scalar", backendOf(model.report(), "Gemm"));
        }
    }

    @Test
    void assignmentsNameTheWinnerOfEachOperation() {
        backends.put(new FastBackend(), 100);
        Map<String, String> assignments = KernelAssignments.of(selection.get().registry(backends));
        assertEquals("fast", assignments.get("Gemm[FP32, FP32]"));
        assertEquals("scalar", assignments.get("IntegerGemm[UINT8, INT8]"));
    }
}
