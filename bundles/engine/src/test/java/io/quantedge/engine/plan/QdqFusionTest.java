package io.quantedge.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Engine;
import io.quantedge.engine.TestGraphs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QDQ patterns become integer operators, and the integers they produce are the ones the ONNX
 * definitions give for the unfused nodes, computed here independently.
 */
class QdqFusionTest {

    private static final float X_SCALE = 0.05f;
    private static final int X_ZERO = -3;
    private static final float Y_SCALE = 1f / 256;
    private static final int Y_ZERO = -128;

    private static Tensor scalar(float v) {
        return Tensor.ofFloats(Shape.scalar(), v);
    }

    private static Tensor zero(int v) {
        return Tensor.ofBytes(DataType.INT8, Shape.scalar(), (byte) v);
    }

    /** x (int8) -> DQ -> op -> Q -> y (int8), with the given op node inserted between. */
    private static TestGraphs unary(String op, Map<String, Attribute> attributes, int[] shape, int[] outShape) {
        return new TestGraphs()
                .input(TensorSpec.of("x", DataType.INT8, shape))
                .output(TensorSpec.of("y", DataType.INT8, outShape))
                .initializer("xs", scalar(X_SCALE)).initializer("xz", zero(X_ZERO))
                .initializer("ys", scalar(Y_SCALE)).initializer("yz", zero(Y_ZERO))
                .node("DequantizeLinear", List.of("x", "xs", "xz"), List.of("xf"), Map.of())
                .node(op, List.of("xf"), List.of("yf"), attributes)
                .node("QuantizeLinear", List.of("yf", "ys", "yz"), List.of("y"), Map.of());
    }

    private static long quantize(double real, float scale, int zero) {
        return Math.max(-128, Math.min(127, (long) Math.rint((float) real / scale) + zero));
    }

    @Test
    void anActivationBecomesALookupWithTheUnfusedIntegersForEveryInput() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) (i - 128);
        }
        try (Model model = new Engine(List::of, () -> TestGraphs.SCALAR)
                .load(unary("Sigmoid", Map.of(), new int[] {256}, new int[] {256}).build(), "sigmoid")) {
            ModelReport report = model.report();
            assertEquals(List.of("Sigmoid 'Sigmoid_1' -> io.quantedge:QLookup"), report.fused());
            assertTrue(report.floatFallback().isEmpty());
            long[] y = model.run(Map.of("x", Tensor.ofBytes(DataType.INT8, Shape.of(256), all))).get("y").toLongArray();
            for (int i = 0; i < 256; i++) {
                float real = (float) (all[i] - X_ZERO) * X_SCALE;
                float sigmoid = (float) (1 / (1 + Math.exp(-real)));
                assertEquals(quantize(sigmoid, Y_SCALE, Y_ZERO), y[i], "input " + all[i]);
            }
        }
    }

    @Test
    void addBecomesAnIntegerKernelThatBroadcasts() throws Exception {
        TestGraphs graph = new TestGraphs()
                .input(TensorSpec.of("a", DataType.INT8, 2, 3)).input(TensorSpec.of("b", DataType.INT8, 3))
                .output(TensorSpec.of("y", DataType.INT8, 2, 3))
                .initializer("as", scalar(0.1f)).initializer("az", zero(5))
                .initializer("bs", scalar(0.2f)).initializer("bz", zero(-7))
                .initializer("ys", scalar(0.15f)).initializer("yz", zero(1))
                .node("DequantizeLinear", List.of("a", "as", "az"), List.of("af"), Map.of())
                .node("DequantizeLinear", List.of("b", "bs", "bz"), List.of("bf"), Map.of())
                .node("Add", List.of("af", "bf"), List.of("sum"), Map.of())
                .node("QuantizeLinear", List.of("sum", "ys", "yz"), List.of("y"), Map.of());
        byte[] a = {-128, -1, 0, 50, 100, 127};
        byte[] b = {-100, 3, 120};
        try (Model model = new Engine(List::of, () -> TestGraphs.SCALAR).load(graph.build(), "add")) {
            assertEquals(List.of("Add 'Add_2' -> io.quantedge:QLinearBinary"), model.report().fused());
            long[] y = model.run(Map.of("a", Tensor.ofBytes(DataType.INT8, Shape.of(2, 3), a),
                    "b", Tensor.ofBytes(DataType.INT8, Shape.of(3), b))).get("y").toLongArray();
            for (int i = 0; i < 6; i++) {
                float real = (float) (a[i] - 5) * 0.1f + (float) (b[i % 3] + 7) * 0.2f;
                assertEquals(quantize(real, 0.15f, 1), y[i], "element " + i);
            }
        }
    }

    @Test
    void globalAveragePoolSumsIntegersExactly() throws Exception {
        byte[] x = new byte[2 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) (i * 29 - 120);
        }
        try (Model model = new Engine(List::of, () -> TestGraphs.SCALAR).load(
                unary("GlobalAveragePool", Map.of(), new int[] {1, 2, 3, 3}, new int[] {1, 2, 1, 1}).build(), "gap")) {
            assertEquals(List.of("GlobalAveragePool 'GlobalAveragePool_1' -> io.quantedge:QLinearAveragePool"),
                    model.report().fused());
            long[] y = model.run(Map.of("x", Tensor.ofBytes(DataType.INT8, Shape.of(1, 2, 3, 3), x))).get("y")
                    .toLongArray();
            for (int c = 0; c < 2; c++) {
                long sum = 0;
                for (int i = 0; i < 9; i++) {
                    sum += x[c * 9 + i] - X_ZERO;
                }
                assertEquals(quantize((double) sum * X_SCALE / 9, Y_SCALE, Y_ZERO), y[c], "channel " + c);
            }
        }
    }

    @Test
    void aMaxPoolQuantizedDifferentlyOnEachSideStaysInFloatAndIsReported() throws Exception {
        try (Model model = new Engine(List::of, () -> TestGraphs.SCALAR).load(
                unary("MaxPool", Map.of("kernel_shape", Attribute.ofInts(2, 2)), new int[] {1, 1, 2, 2},
                        new int[] {1, 1, 1, 1}).build(), "maxpool")) {
            assertTrue(model.report().fused().isEmpty(), model.report().fused().toString());
            assertEquals(List.of("MaxPool 'MaxPool_1'"), model.report().floatFallback());
        }
    }
}
