package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.plan.ExecutionPlan;
import io.quantedge.engine.plan.PreparedGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ops inside real planning: constant folding, shape-time evaluation and arena runs. */
class PlannedGraphTest {

    private static Node node(String name, String opType, List<String> inputs, List<String> outputs,
                             Map<String, Attribute> attributes) {
        return new Node(name, "", opType, inputs, outputs, attributes);
    }

    private static TensorSpec dynamic(String name, int... dims) {
        List<Integer> list = java.util.Arrays.stream(dims).boxed().toList();
        List<String> names = list.stream().map(d -> d < 0 ? "batch" : "").toList();
        return new TensorSpec(name, DataType.FP32, list, names);
    }

    private static PreparedGraph prepare(Graph graph) throws ModelLoadException {
        return PreparedGraph.prepare(graph, StandardOps.registry(), new KernelRegistry(List.of()));
    }

    private static float[] iota(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i - n / 2f;
        }
        return v;
    }

    @Test
    void pytorchFlattenPatternIsComputedWhilePlanning() throws ModelLoadException {
        // y = relu(x.view(x.size(0), -1)) + bias, with x of shape [batch, 3, 2, 2]
        List<Node> nodes = List.of(
                node("shape", "Shape", List.of("x"), List.of("s"), Map.of()),
                node("gather", "Gather", List.of("s", "zero"), List.of("n"), Map.of("axis", Attribute.ofInt(0))),
                node("unsqueeze", "Unsqueeze", List.of("n", "axes"), List.of("n1"), Map.of()),
                node("concat", "Concat", List.of("n1", "minusOne"), List.of("target"), Map.of("axis", Attribute.ofInt(0))),
                node("reshape", "Reshape", List.of("x", "target"), List.of("flat"), Map.of()),
                node("relu", "Relu", List.of("flat"), List.of("r"), Map.of()),
                node("add", "Add", List.of("r", "bias"), List.of("y"), Map.of()));
        float[] bias = new float[12];
        bias[11] = 100;
        Graph graph = new Graph("flatten", Map.of("", 13), List.of(dynamic("x", -1, 3, 2, 2)),
                List.of(dynamic("y", -1, 12)),
                Map.of("zero", Tensor.ofLongs(Shape.scalar(), 0), "axes", Tensor.ofLongs(Shape.of(1), 0),
                        "minusOne", Tensor.ofLongs(Shape.of(1), -1), "bias", Tensor.ofFloats(Shape.of(12), bias)),
                nodes, Map.of());
        PreparedGraph prepared = prepare(graph);
        for (int batch : new int[] {2, 3}) {
            ExecutionPlan plan = ExecutionPlan.build(prepared, Map.of("x", new int[] {batch, 3, 2, 2}));
            assertEquals(3, plan.stepCount(), "Shape, Gather, Unsqueeze and Concat are folded");
            float[] x = iota(batch * 12);
            Tensor y = plan.run(Map.of("x", Tensor.ofFloats(Shape.of(batch, 3, 2, 2), x))).get("y");
            assertArrayEquals(new int[] {batch, 12}, y.shape().dims());
            float[] got = y.toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Math.max(0, x[i]) + bias[i % 12], got[i], "element " + i);
            }
        }
    }

    @Test
    void elementwiseMaskPipelineRunsInTheArena() throws ModelLoadException {
        // y = where(x < 0, -x, x) * 2, then cast to int32 and back: |x| * 2 truncated
        List<Node> nodes = List.of(
                node("less", "Less", List.of("x", "zero"), List.of("negative"), Map.of()),
                node("neg", "Neg", List.of("x"), List.of("minus"), Map.of()),
                node("where", "Where", List.of("negative", "minus", "x"), List.of("abs"), Map.of()),
                node("mul", "Mul", List.of("abs", "two"), List.of("doubled"), Map.of()),
                node("toInt", "Cast", List.of("doubled"), List.of("i"), Map.of("to", Attribute.ofInt(6))),
                node("toFloat", "Cast", List.of("i"), List.of("y"), Map.of("to", Attribute.ofInt(1))));
        Graph graph = new Graph("mask", Map.of("", 16), List.of(dynamic("x", -1, 4)), List.of(dynamic("y", -1, 4)),
                Map.of("zero", Tensor.ofFloats(Shape.scalar(), 0f), "two", Tensor.ofFloats(Shape.of(1), 2f)),
                nodes, Map.of());
        ExecutionPlan plan = ExecutionPlan.build(prepare(graph), Map.of("x", new int[] {2, 4}));
        float[] x = {-1.3f, 0.2f, 2.6f, -0.4f, 3f, -3f, 0f, 1.1f};
        float[] got = plan.run(Map.of("x", Tensor.ofFloats(Shape.of(2, 4), x))).get("y").toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals((int) (Math.abs(x[i]) * 2), got[i], "element " + i);
        }
    }

    @Test
    void attentionStyleNormalisationWithFoldedAxesAndWeights() throws ModelLoadException {
        // y = softmax(layernorm(x) - mean(x, axis -1)); layernorm's scale folds from Constant nodes
        List<Node> nodes = List.of(
                node("scaleConst", "Constant", List.of(), List.of("scale"),
                        Map.of("value", Attribute.ofTensor(Tensor.ofFloats(Shape.of(3), 1f, 2f, 0.5f)))),
                node("axesConst", "Constant", List.of(), List.of("axes"), Map.of("value_ints", Attribute.ofInts(-1))),
                node("ln", "LayerNormalization", List.of("x", "scale"), List.of("normed"), Map.of()),
                node("mean", "ReduceMean", List.of("x", "axes"), List.of("m"), Map.of()),
                node("sub", "Sub", List.of("normed", "m"), List.of("centred"), Map.of()),
                node("softmax", "Softmax", List.of("centred"), List.of("y"), Map.of()));
        Graph graph = new Graph("norm", Map.of("", 18), List.of(dynamic("x", -1, 3)), List.of(dynamic("y", -1, 3)),
                Map.of(), nodes, Map.of());
        PreparedGraph prepared = prepare(graph);
        assertEquals(2, prepared.foldedNodes());
        ExecutionPlan plan = ExecutionPlan.build(prepared, Map.of("x", new int[] {2, 3}));
        assertEquals(4, plan.stepCount());
        float[] x = {1, 2, 4, -3, 0, 3};
        float[] got = plan.run(Map.of("x", Tensor.ofFloats(Shape.of(2, 3), x))).get("y").toFloatArray();
        double[] scale = {1, 2, 0.5};
        for (int r = 0; r < 2; r++) {
            double mean = (x[3 * r] + x[3 * r + 1] + x[3 * r + 2]) / 3.0;
            double var = 0;
            for (int k = 0; k < 3; k++) {
                var += (x[3 * r + k] - mean) * (x[3 * r + k] - mean) / 3;
            }
            double[] z = new double[3];
            double sum = 0;
            for (int k = 0; k < 3; k++) {
                z[k] = Math.exp((x[3 * r + k] - mean) / Math.sqrt(var + 1e-5) * scale[k] - mean);
                sum += z[k];
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(z[k] / sum, got[3 * r + k], 1e-6, "row " + r + " element " + k);
            }
        }
    }

    @Test
    void fourBitCodesLookedUpInAFloatTableFoldWhilePlanning() throws ModelLoadException {
        // W = table[int32(codes)] * scale, codes a packed UINT4 initializer (the non-linear 4-bit form)
        int[] codes = {0, 15, 3, 8, 1, 2};
        float[] table = new float[16];
        for (int i = 0; i < 16; i++) {
            table[i] = (i - 7) * 0.25f;
        }
        List<Node> nodes = List.of(
                node("cast", "Cast", List.of("codes"), List.of("indices"), Map.of("to", Attribute.ofInt(6))),
                node("lookup", "Gather", List.of("table", "indices"), List.of("levels"), Map.of()),
                node("scale", "Mul", List.of("levels", "scales"), List.of("w"), Map.of()),
                node("add", "Add", List.of("x", "w"), List.of("y"), Map.of()));
        Graph graph = new Graph("nf4", Map.of("", 21), List.of(dynamic("x", -1, 3, 2)), List.of(dynamic("y", -1, 3, 2)),
                Map.of("codes", Tensor.ofNibbles(DataType.UINT4, Shape.of(3, 2), codes),
                        "table", Tensor.ofFloats(Shape.of(16), table),
                        "scales", Tensor.ofFloats(Shape.of(2), 2f, -1f)),
                nodes, Map.of());
        PreparedGraph prepared = prepare(graph);
        assertEquals(3, prepared.foldedNodes(), "Cast, Gather and Mul run once, while planning");
        ExecutionPlan plan = ExecutionPlan.build(prepared, Map.of("x", new int[] {1, 3, 2}));
        assertEquals(1, plan.stepCount(), "only the Add runs");
        float[] x = {1, -2, 0.5f, 3, 0, -1};
        float[] got = plan.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 3, 2), x))).get("y").toFloatArray();
        float[] scales = {2f, -1f};
        for (int i = 0; i < 6; i++) {
            assertEquals(x[i] + table[codes[i]] * scales[i % 2], got[i], 1e-6, "element " + i);
        }
    }
}
