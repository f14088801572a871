package io.quantedge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One model, many threads, different batch sizes at once: every result equals the single-threaded one. */
class ConcurrentRunsTest {

    @Test
    void concurrentRunsOfDifferentShapesDoNotShareMemory() throws Exception {
        Random random = new Random(1);
        TestGraphs graph = new TestGraphs()
                .input(new TensorSpec("x", DataType.FP32, List.of(-1, 2, 6, 6), List.of("batch", "", "", "")))
                .output(new TensorSpec("y", DataType.FP32, List.of(-1, 3, 3, 3), List.of("batch", "", "", "")))
                .initializer("w", Tensor.ofFloats(Shape.of(3, 2, 3, 3), TestGraphs.randomFloats(random, 54)))
                .node("Conv", List.of("x", "w"), List.of("c"), Map.of("pads", Attribute.ofInts(1, 1, 1, 1)))
                .node("MaxPool", List.of("c"), List.of("y"), Map.of("kernel_shape", Attribute.ofInts(2, 2),
                        "strides", Attribute.ofInts(2, 2)));
        Engine engine = new Engine(List::of, () -> TestGraphs.SCALAR);
        try (Model model = engine.load(graph.build(), "concurrent")) {
            List<Tensor> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int batch = 1 + i % 4;
                Tensor x = Tensor.ofFloats(Shape.of(batch, 2, 6, 6), TestGraphs.randomFloats(random, batch * 72));
                inputs.add(x);
                expected.add(model.run(Map.of("x", x)).get("y").toFloatArray());
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    for (Tensor x : inputs) {
                        Callable<float[]> task = () -> model.run(Map.of("x", x)).get("y").toFloatArray();
                        futures.add(pool.submit(task));
                    }
                }
                for (int f = 0; f < futures.size(); f++) {
                    float[] got = futures.get(f).get();
                    float[] want = expected.get(f % inputs.size());
                    assertEquals(want.length, got.length);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 0f, "run " + f + " element " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
