package io.quantedge.onnx.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer writes, our loader reads back as the same graph: every attribute kind, every tensor form. */
class OnnxModelWriterTest {

    @TempDir
    Path dir;

    @Test
    void everyPartOfAGraphSurvivesAWriteAndARead() throws Exception {
        TensorSpec x = new TensorSpec("x", DataType.FP32, List.of(TensorSpec.DYNAMIC, 4, TensorSpec.DYNAMIC),
                List.of("batch", "", ""));
        TensorSpec y = new TensorSpec("y", DataType.FP32, List.of(TensorSpec.DYNAMIC, 4, TensorSpec.DYNAMIC),
                List.of("batch", "", ""));
        Graph branch = new Graph("then_branch", Map.of("", 13), List.of(),
                List.of(TensorSpec.of("t", DataType.FP32, 1)), Map.of("t", Tensor.ofFloats(Shape.of(1), 2.5f)),
                List.of(), Map.of());
        Map<String, Attribute> attributes = Map.of(
                "f", Attribute.ofFloat(0.25f), "i", Attribute.ofInt(-3), "s", Attribute.ofString("text é"),
                "floats", Attribute.ofFloats(1, -2.5f), "ints", Attribute.ofInts(7, -1, 1L << 40),
                "strings", Attribute.ofStrings(List.of("a", "", "c")),
                "tensor", Attribute.ofTensor(Tensor.ofInts(Shape.of(2), 5, -6)), "graph", Attribute.ofGraph(branch));
        Map<String, Tensor> initializers = Map.of(
                "scalar", Tensor.ofFloats(Shape.scalar(), 3f),
                "int4", Tensor.ofNibbles(DataType.INT4, Shape.of(3), -8, 7, 1),
                "int8", Tensor.ofBytes(DataType.INT8, Shape.of(2, 2), (byte) -128, (byte) 127, (byte) 0, (byte) 1),
                "int64", Tensor.ofLongs(Shape.of(1), Long.MIN_VALUE),
                "empty", Tensor.ofFloats(Shape.of(0, 3)));
        List<Node> nodes = List.of(
                new Node("add", "", "Add", List.of("x", "scalar"), List.of("a"), Map.of()),
                new Node("custom", "com.example", "Frob", List.of("a", "", "int8"), List.of("y", ""), attributes));
        Graph graph = new Graph("every part", Map.of("", 13, "com.example", 2), List.of(x), List.of(y), initializers,
                nodes, Map.of("ir_version", "8", "producer_name", "test", "model_version", "42", "author", "me"));

        Path file = dir.resolve("m.onnx");
        OnnxModelWriter.write(graph, file);
        Graph back = new OnnxModelLoader().load(file);
        assertEquals(graph.name(), back.name());
        assertEquals(graph.opsets(), back.opsets());
        assertEquals(graph.inputs(), back.inputs());
        assertEquals(graph.outputs(), back.outputs());
        assertEquals(graph.initializers(), back.initializers());
        Node custom = back.nodes().get(1);
        assertEquals(nodes.get(1).inputs(), custom.inputs());
        assertEquals(nodes.get(1).outputs(), custom.outputs());
        for (String key : attributes.keySet()) {
            if (!key.equals("graph")) {
                assertEquals(attributes.get(key), custom.attributes().get(key), key);
            }
        }
        // A subgraph has no opset imports of its own in ONNX: it is read back with the model's.
        Graph branchBack = custom.attributes().get("graph").asGraph();
        assertEquals(graph.opsets(), branchBack.opsets());
        assertEquals(branch.initializers(), branchBack.initializers());
        assertEquals(branch.outputs(), branchBack.outputs());
        assertEquals(nodes.get(0), back.nodes().get(0));
        assertEquals(graph.metadata(), back.metadata());
        assertEquals(List.of("m.onnx"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "no temporary left");
    }

    @Test
    void aNewerOpsetRaisesTheIrVersionOnnxRuntimeChecks() throws Exception {
        Graph graph = new Graph("g", Map.of("", 21), List.of(TensorSpec.of("x", DataType.FP32, 1)),
                List.of(TensorSpec.of("y", DataType.FP32, 1)), Map.of(),
                List.of(new Node("n", "", "Relu", List.of("x"), List.of("y"), Map.of())), Map.of("ir_version", "7"));
        Path file = dir.resolve("g.onnx");
        OnnxModelWriter.write(graph, file);
        assertEquals("10", new OnnxModelLoader().load(file).metadata().get("ir_version"));
    }
}
