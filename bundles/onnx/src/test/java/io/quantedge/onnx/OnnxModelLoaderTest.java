package io.quantedge.onnx;

import static io.quantedge.onnx.OnnxWriter.attrGraph;
import static io.quantedge.onnx.OnnxWriter.attrInt;
import static io.quantedge.onnx.OnnxWriter.dims;
import static io.quantedge.onnx.OnnxWriter.entry;
import static io.quantedge.onnx.OnnxWriter.floatTensor;
import static io.quantedge.onnx.OnnxWriter.graph;
import static io.quantedge.onnx.OnnxWriter.model;
import static io.quantedge.onnx.OnnxWriter.node;
import static io.quantedge.onnx.OnnxWriter.opset;
import static io.quantedge.onnx.OnnxWriter.tensorValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelLoaderTest {

    @TempDir
    Path folder;

    private static Graph load(ProtoMessage model) throws ModelLoadException {
        return OnnxModelLoader.load(OnnxWriter.buffer(model), null);
    }

    private static ModelLoadException refused(ProtoMessage model) {
        return assertThrows(ModelLoadException.class, () -> load(model));
    }

    private static Map<String, Node> byName(Graph graph) {
        return graph.nodes().stream().collect(Collectors.toMap(Node::name, Function.identity()));
    }

    @Test
    void describesItselfAsTheOnnxLoader() {
        ModelLoader loader = new OnnxModelLoader();
        assertEquals("onnx", loader.format());
        assertEquals(Set.of("onnx"), loader.extensions());
    }

    @Test
    void isRegisteredAsAModelLoaderComponentForOnnxFiles() throws IOException {
        try (InputStream xml = OnnxModelLoader.class.getResourceAsStream("/OSGI-INF/io.quantedge.onnx.OnnxModelLoader.xml")) {
            String component = new String(xml.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(component.contains("<provide interface=\"io.quantedge.api.model.ModelLoader\"/>"), component);
            assertTrue(component.contains("name=\"quantedge.model.extensions\" type=\"String\" value=\"onnx\""), component);
        }
    }

    @Test
    void loadsTheConvAddModel() throws Exception {
        Path file = folder.resolve("conv_add.onnx");
        Files.write(file, OnnxWriter.convAddModel().toByteArray());
        Graph graph = new OnnxModelLoader().load(file);

        assertEquals("conv_add", graph.name());
        assertEquals(Map.of("", 17), graph.opsets());
        assertEquals(List.of(new TensorSpec("x", DataType.FP32, List.of(TensorSpec.DYNAMIC, 1, 4, 4), List.of("N", "", "", ""))),
                graph.inputs());
        assertEquals("z", graph.outputs().get(0).name());
        assertEquals(Set.of("w", "b"), graph.initializers().keySet());
        assertEquals(Shape.of(2, 1, 3, 3), graph.initializers().get("w").shape());
        assertEquals(-1f, graph.initializers().get("w").floatAt(0));
        assertArrayEquals(new float[] {0.5f, -0.5f}, graph.initializers().get("b").toFloatArray());
        assertEquals(Map.of("ir_version", "8", "producer_name", "quantedge-test", "producer_version", "1.0",
                "model_version", "3"), graph.metadata());

        Map<String, Node> nodes = byName(graph);
        assertEquals(Set.of("conv", "Constant_1", "Add_2", "act"), nodes.keySet());
        Node conv = nodes.get("conv");
        assertEquals("", conv.domain());
        assertEquals(List.of("x", "w", "b"), conv.inputs());
        assertArrayEquals(new long[] {3, 3}, conv.attributes().get("kernel_shape").asInts());
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.attributes().get("pads").asInts());
        assertEquals(1, conv.attributes().get("group").asInt());
        assertArrayEquals(new float[] {0.5f, 2f}, conv.attributes().get("unused_scales").asFloats());
        assertEquals("NOTSET", conv.attributes().get("auto_pad").asString());
        assertEquals(List.of("a", "b"), conv.attributes().get("tags").asStrings());
        assertEquals(1.5f, nodes.get("Constant_1").attributes().get("value").asTensor().floatAt(0));
        assertEquals(0.1f, nodes.get("act").attributes().get("alpha").asFloat());
    }

    @Test
    void loadsSubgraphsThatReadOuterValues() throws Exception {
        Graph graph = load(OnnxWriter.ifModel());
        Node branch = graph.nodes().get(0);
        Graph thenBranch = branch.attributes().get("then_branch").asGraph();
        assertEquals(Attribute.Kind.GRAPH, branch.attributes().get("else_branch").kind());
        assertEquals("then", thenBranch.name());
        assertEquals(List.of("x"), thenBranch.nodes().get(0).inputs());
        assertEquals(17, thenBranch.opset(""));
    }

    @Test
    void loadsInt4Weights() throws Exception {
        Graph graph = load(OnnxWriter.int4Model());
        assertArrayEquals(new long[] {-1, -8, 1, 2, 7}, graph.initializers().get("w_q").toLongArray());
        assertArrayEquals(new long[] {1, 2, 15}, graph.initializers().get("u_q").toLongArray());
        assertEquals(List.of("batch", ""), graph.inputs().get(0).dimNames());
    }

    @Test
    void symbolicAndMissingDimsAreDynamic() throws Exception {
        Graph graph = load(model(graph("dyn")
                .input(tensorValue("x", OnnxWriter.FLOAT, "batch", null, 3L))
                .node(node("Relu", "r", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, "batch", null, 3L))
                .build()));
        TensorSpec x = graph.inputs().get(0);
        assertEquals(List.of(TensorSpec.DYNAMIC, TensorSpec.DYNAMIC, 3), x.dims());
        assertEquals(List.of("batch", "", ""), x.dimNames());
        assertTrue(x.accepts(Shape.of(8, 5, 3)));
    }

    @Test
    void anInitializerListedAsAnInputIsAConstant() throws Exception {
        Graph graph = load(model(graph("old_style")
                .input(tensorValue("x", OnnxWriter.FLOAT, 2L))
                .input(tensorValue("w", OnnxWriter.FLOAT, 2L))
                .initializer(floatTensor("w", dims(2), 1f, 2f))
                .node(node("Add", "add", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 2L))
                .build()));
        assertEquals(List.of("x"), graph.inputs().stream().map(TensorSpec::name).toList());
        assertEquals(Set.of("w"), graph.initializers().keySet());

        ModelLoadException clash = refused(model(graph("clash")
                .input(tensorValue("w", OnnxWriter.INT64, 2L))
                .initializer(floatTensor("w", dims(2), 1f, 2f))
                .node(node("Identity", "id", List.of("w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 2L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, clash.code());
        assertTrue(clash.getMessage().contains("input 'w' of graph 'clash' is declared w: INT64[2] but its initializer is FP32[2]"),
                clash.getMessage());
    }

    @Test
    void aCycleIsInvalidAndNamesTheNodesOnIt() {
        ModelLoadException e = refused(model(graph("cyclic")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "head", List.of("x"), List.of("h")))
                .node(node("Add", "a", List.of("h", "c"), List.of("a_out")))
                .node(node("Relu", "b", List.of("a_out"), List.of("b_out")))
                .node(node("Neg", "c", List.of("b_out"), List.of("c")))
                .node(node("Relu", "tail", List.of("c"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("graph 'cyclic' has a cycle: Add 'a' -> Relu 'b' -> Neg 'c' -> Add 'a'"),
                e.getMessage());
    }

    @Test
    void aNodeReadingItsOwnOutputIsACycle() {
        ModelLoadException e = refused(model(graph("self")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Add", "loop", List.of("x", "y"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("Add 'loop' -> Add 'loop'"), e.getMessage());
    }

    @Test
    void aCycleThroughASubgraphsOuterReadIsFound() {
        ProtoMessage body = graph("body")
                .node(node("Identity", "inner", List.of("late"), List.of("o")))
                .output(tensorValue("o", OnnxWriter.FLOAT, 1L))
                .build();
        ModelLoadException e = refused(model(graph("implicit")
                .input(tensorValue("cond", OnnxWriter.BOOL))
                .node(node("If", "if", List.of("cond"), List.of("early"), attrGraph("then_branch", body),
                        attrGraph("else_branch", body)))
                .node(node("Relu", "relu", List.of("early"), List.of("late")))
                .output(tensorValue("late", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("has a cycle"), e.getMessage());
    }

    @Test
    void aMissingInputIsInvalid() {
        ModelLoadException e = refused(model(graph("missing")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Add", "add", List.of("x", "bias"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("Add 'add' of graph 'missing' reads 'bias', which is no graph input,"
                + " initializer or node output"), e.getMessage());
    }

    @Test
    void omittedOptionalInputsAreFine() throws Exception {
        Graph graph = load(model(graph("optional")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Clip", "clip", List.of("x", "", ""), List.of("y", "")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(List.of("x", "", ""), graph.nodes().get(0).inputs());
    }

    @Test
    void aValueProducedTwiceIsInvalid() {
        ModelLoadException twice = refused(model(graph("twice")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "one", List.of("x"), List.of("y")))
                .node(node("Neg", "two", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, twice.code());
        assertTrue(twice.getMessage().contains("value 'y' of graph 'twice' is produced twice, by Neg 'two' and by Relu 'one'"),
                twice.getMessage());

        ModelLoadException overwrite = refused(model(graph("overwrite")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .initializer(floatTensor("w", dims(1), 1f))
                .node(node("Relu", "one", List.of("x"), List.of("w")))
                .output(tensorValue("w", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, overwrite.code());

        ModelLoadException initializers = refused(model(graph("init")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .initializer(floatTensor("w", dims(1), 1f))
                .initializer(floatTensor("w", dims(1), 2f))
                .node(node("Add", "add", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, initializers.code());
    }

    @Test
    void anOutputNobodyProducesIsInvalid() {
        ModelLoadException e = refused(model(graph("dangling")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "r", List.of("x"), List.of("y")))
                .output(tensorValue("z", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("output 'z'"), e.getMessage());
    }

    @Test
    void aSubgraphReadingAnUnknownValueIsInvalid() {
        ProtoMessage body = graph("body")
                .node(node("Identity", "inner", List.of("nowhere"), List.of("o")))
                .output(tensorValue("o", OnnxWriter.FLOAT, 1L))
                .build();
        ModelLoadException e = refused(model(graph("outer")
                .input(tensorValue("cond", OnnxWriter.BOOL))
                .node(node("If", "if", List.of("cond"), List.of("y"), attrGraph("then_branch", body),
                        attrGraph("else_branch", body)))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("subgraph 'body' (attribute"), e.getMessage());
    }

    @Test
    void customDomainsMustBeImported() throws Exception {
        ProtoMessage node = node("MatMulNBits", "mm", List.of("x"), List.of("y")).string(7, "com.microsoft");
        ProtoMessage graph = graph("custom")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node)
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build();
        ModelLoadException e = refused(model(graph));
        assertEquals(Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("uses operator domain 'com.microsoft'"), e.getMessage());

        Graph imported = load(model(graph).message(8, opset("com.microsoft", 1)));
        assertEquals(1, imported.opset("com.microsoft"));
        assertEquals("com.microsoft", imported.nodes().get(0).domain());
    }

    @Test
    void unsupportedConstructsAreRefusedByName() {
        ProtoMessage tensors = new ProtoMessage().string(1, "values").message(10, floatTensor("t", dims(1), 1f)).varint(20, 9);
        ModelLoadException list = refused(singleNode(node("Custom", "n", List.of("x"), List.of("y"), tensors)));
        assertEquals(Code.UNSUPPORTED, list.code());
        assertTrue(list.getMessage().contains("attribute 'values' of node 'n' (Custom)") && list.getMessage().contains("TENSORS"),
                list.getMessage());

        ProtoMessage reference = new ProtoMessage().string(1, "alpha").string(21, "outer_alpha").varint(20, 1);
        assertEquals(Code.UNSUPPORTED, refused(singleNode(node("Elu", "n", List.of("x"), List.of("y"), reference))).code());

        ProtoMessage sparseModel = model(graph("sparse")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "n", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build().message(15, new ProtoMessage()));
        assertEquals(Code.UNSUPPORTED, refused(sparseModel).code());

        ProtoMessage function = new ProtoMessage().string(1, "MyOp").string(10, "local");
        ProtoMessage calls = model(graph("fn")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("MyOp", "call", List.of("x"), List.of("y")).string(7, "local"))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()).message(8, opset("local", 1)).message(25, function);
        ModelLoadException local = refused(calls);
        assertEquals(Code.UNSUPPORTED, local.code());
        assertTrue(local.getMessage().contains("calls a function defined in the model"), local.getMessage());

        ProtoMessage sequence = new ProtoMessage().string(1, "x")
                .message(2, new ProtoMessage().message(4, new ProtoMessage()));
        ModelLoadException seq = refused(model(graph("seq").input(sequence)
                .node(node("SequenceLength", "len", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.INT64)).build()));
        assertEquals(Code.UNSUPPORTED, seq.code());
        assertTrue(seq.getMessage().contains("value 'x' of graph 'seq' is a sequence"), seq.getMessage());

        ModelLoadException doubles = refused(model(graph("dbl")
                .input(tensorValue("x", OnnxWriter.DOUBLE, 1L))
                .node(node("Relu", "r", List.of("x"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.DOUBLE, 1L)).build()));
        assertEquals(Code.UNSUPPORTED, doubles.code());
        assertTrue(doubles.getMessage().contains("value 'x' of graph 'dbl' has element type DOUBLE"), doubles.getMessage());
    }

    private static ProtoMessage singleNode(ProtoMessage node) {
        return model(graph("single")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node)
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build());
    }

    @Test
    void attributesWithoutATypeAreTypedByTheirValue() throws Exception {
        ProtoMessage untyped = new ProtoMessage().string(1, "axis").varint(3, -1);
        Graph graph = load(singleNode(node("Softmax", "s", List.of("x"), List.of("y"), untyped)));
        assertEquals(-1, graph.nodes().get(0).attributes().get("axis").asInt());
        ProtoMessage nothing = new ProtoMessage().string(1, "axis");
        assertEquals(Code.MALFORMED, refused(singleNode(node("Softmax", "s", List.of("x"), List.of("y"), nothing))).code());
        assertEquals(Code.MALFORMED, refused(singleNode(node("Softmax", "s", List.of("x"), List.of("y"),
                attrInt("axis", 1), attrInt("axis", 2)))).code());
    }

    @Test
    void unnamedNodesGetStableUniqueNames() throws Exception {
        Graph graph = load(model(graph("names")
                .input(tensorValue("x", OnnxWriter.FLOAT, 1L))
                .node(node("Relu", "", List.of("x"), List.of("a")))
                .node(node("Relu", "Relu_0", List.of("a"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 1L))
                .build()));
        assertEquals(List.of("Relu_0_1", "Relu_0"), graph.nodes().stream().map(Node::name).toList());
    }

    @Test
    void modelLevelProblems() {
        assertEquals(Code.MALFORMED, refused(new ProtoMessage()).code());
        ModelLoadException noGraph = refused(new ProtoMessage().varint(1, 8).message(8, opset("", 17)));
        assertEquals(Code.MALFORMED, noGraph.code());
        assertTrue(noGraph.getMessage().contains("holds no ONNX graph"), noGraph.getMessage());
        ProtoMessage noOpset = new ProtoMessage().varint(1, 8).message(7, graph("g").build());
        assertEquals(Code.INVALID_GRAPH, refused(noOpset).code());
        ProtoMessage twoVersions = OnnxWriter.convAddModel().message(8, opset("", 13));
        assertEquals(Code.MALFORMED, refused(twoVersions).code());
        ProtoMessage twoGraphs = OnnxWriter.convAddModel().message(7, graph("g").build());
        assertEquals(Code.MALFORMED, refused(twoGraphs).code());
    }

    @Test
    void modelFieldsWinOverMetadataPropsOfTheSameName() throws Exception {
        Graph graph = load(OnnxWriter.convAddModel()
                .message(14, entry("ir_version", "99"))
                .message(14, entry("author", "someone")));
        assertEquals("8", graph.metadata().get("ir_version"));
        assertEquals("someone", graph.metadata().get("author"));
    }

    @Test
    void fileProblemsAreIoErrors() throws Exception {
        OnnxModelLoader loader = new OnnxModelLoader();
        ModelLoadException missing = assertThrows(ModelLoadException.class, () -> loader.load(folder.resolve("none.onnx")));
        assertEquals(Code.IO, missing.code());
        assertTrue(missing.getMessage().contains("none.onnx"), missing.getMessage());
        assertEquals(Code.IO, assertThrows(ModelLoadException.class, () -> loader.load(folder)).code());
        Path empty = Files.createFile(folder.resolve("empty.onnx"));
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class, () -> loader.load(empty)).code());
        Path pipe = folder.resolve("pipe.onnx");
        if (makeNamedPipe(pipe)) {
            // Opening a pipe for reading would wait for a writer forever.
            assertEquals(Code.IO, assertThrows(ModelLoadException.class, () -> loader.load(pipe)).code());
        }
        Path text = Files.writeString(folder.resolve("text.onnx"), "this is not a model\n");
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class, () -> loader.load(text)).code());
    }

    private static boolean makeNamedPipe(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
