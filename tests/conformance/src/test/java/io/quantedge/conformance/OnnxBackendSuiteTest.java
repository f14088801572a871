package io.quantedge.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.onnx.tensorfile.OnnxTensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ONNX's own backend test suite (Debian's libonnx-testdata): every node test, one test each. A test
 * whose model uses an operator, type or attribute QuantEdge does not implement is skipped, with
 * the reason counted; every other one must reproduce the expected outputs (ONNX's tolerance:
 * |ours - expected| <= 1e-7 + 1e-3 |expected|; integers exactly).
 */
class OnnxBackendSuiteTest {

    private static final Path SUITE = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data/node"));
    private static final Map<String, Integer> SKIPPED = new TreeMap<>();
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> nodeTests() throws IOException {
        assertTrue(Files.isDirectory(SUITE), "ONNX's backend test data is missing: apt-get install libonnx-testdata");
        Engine engine = Engines.scalar();
        try (Stream<Path> dirs = Files.list(SUITE)) {
            List<Path> tests = dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
            return tests.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                try {
                    runOne(engine, dir);
                    PASSED.incrementAndGet();
                } catch (org.opentest4j.TestAbortedException skipped) {
                    throw skipped; // counted by reason in skip()
                } catch (AssertionError | RuntimeException e) {
                    FAILED.incrementAndGet();
                    throw e;
                }
            }));
        }
    }

    private static void runOne(Engine engine, Path dir) throws Exception {
        Graph graph;
        try {
            graph = new OnnxModelLoader().load(dir.resolve("model.onnx"));
        } catch (ModelLoadException e) {
            skip("reader: " + firstWords(e.getMessage()), e);
            return;
        }
        Model model;
        try {
            model = engine.load(graph, dir.getFileName().toString());
        } catch (ModelLoadException e) {
            List<String> missing = graph.nodes().stream()
                    .filter(n -> engine.ops().find(n.domain(), n.opType()).isEmpty())
                    .map(n -> n.qualifiedOpType()).distinct().sorted().toList();
            skip(missing.isEmpty() ? "unsupported variant: " + firstWords(e.getMessage())
                    : "operator not implemented: " + String.join(", ", missing), e);
            return;
        }
        try (model) {
            try (Stream<Path> sets = Files.list(dir)) {
                for (Path set : sets.filter(s -> s.getFileName().toString().startsWith("test_data_set_")).sorted().toList()) {
                    runSet(model, set);
                }
            }
        }
    }

    private static void runSet(Model model, Path set) throws Exception {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        List<TensorSpec> specs = model.inputs();
        for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) {
            Path file = set.resolve("input_" + i + ".pb");
            String name = OnnxTensorFiles.readName(file);
            inputs.put(name.isEmpty() || specs.stream().noneMatch(s -> s.name().equals(name)) ? specs.get(i).name() : name,
                    OnnxTensorFiles.read(file));
        }
        Map<String, Tensor> outputs = model.run(inputs);
        List<String> names = List.copyOf(outputs.keySet());
        for (int i = 0; Files.exists(set.resolve("output_" + i + ".pb")); i++) {
            Tensor expected = OnnxTensorFiles.read(set.resolve("output_" + i + ".pb"));
            Tensor actual = outputs.get(names.get(i));
            assertEquals(expected.shape(), actual.shape(), "shape of output " + names.get(i));
            assertEquals(expected.type(), actual.type(), "type of output " + names.get(i));
            assertClose(expected, actual, names.get(i));
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String name) {
        int n = Math.toIntExact(expected.elementCount());
        if (expected.type() == DataType.FP32) {
            float[] e = expected.toFloatArray();
            float[] a = actual.toFloatArray();
            for (int i = 0; i < n; i++) {
                boolean close = Float.isNaN(e[i]) ? Float.isNaN(a[i])
                        : e[i] == a[i] || Math.abs(a[i] - e[i]) <= 1e-7 + 1e-3 * Math.abs(e[i]);
                assertTrue(close, name + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
            }
        } else if (expected.type() != DataType.FP16) {
            long[] e = expected.toLongArray();
            long[] a = actual.toLongArray();
            for (int i = 0; i < n; i++) {
                assertEquals(e[i], a[i], name + "[" + i + "]");
            }
        } else {
            assertEquals(expected, actual, name);
        }
    }

    private static void skip(String reason, Exception e) {
        synchronized (SKIPPED) {
            SKIPPED.merge(reason, 1, Integer::sum);
        }
        Assumptions.abort(reason + " (" + e.getMessage() + ")");
    }

    private static String firstWords(String message) {
        String m = message.replaceAll("node '[^']*'", "node").replaceAll("'[^']*'", "'..'");
        return m.length() > 90 ? m.substring(0, 90) : m;
    }

    @AfterAll
    static void summary() {
        int skipped = SKIPPED.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("ONNX backend node tests: %d passed, %d failed, %d skipped%n", PASSED.get(), FAILED.get(), skipped);
        SKIPPED.forEach((reason, count) -> System.out.printf("  skipped %4d  %s%n", count, reason));
    }

}
