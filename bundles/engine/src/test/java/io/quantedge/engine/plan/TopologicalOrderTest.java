package io.quantedge.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologicalOrderTest {

    private static Node node(String name, List<String> in, List<String> out) {
        return new Node(name, "", "Relu", in, out, Map.of());
    }

    @Test
    void producersComeBeforeConsumersAndReadyNodesKeepFileOrder() throws Exception {
        Node c = node("c", List.of("b"), List.of("y"));
        Node b = node("b", List.of("a"), List.of("b"));
        Node a = node("a", List.of("x"), List.of("a"));
        Node side = node("side", List.of("x"), List.of("s"));
        List<Node> order = TopologicalOrder.sort(List.of(c, b, side, a), Set.of("x"));
        assertEquals(List.of("side", "a", "b", "c"), order.stream().map(Node::name).toList());
    }

    @Test
    void aCycleIsRefusedNamingANodeOnIt() {
        var e = assertThrows(ModelLoadException.class, () -> TopologicalOrder.sort(
                List.of(node("p", List.of("q"), List.of("p")), node("q", List.of("p"), List.of("q"))), Set.of()));
        assertEquals(ModelLoadException.Code.INVALID_GRAPH, e.code());
        assertTrue(e.getMessage().contains("cycle through Relu 'p'"), e.getMessage());
    }

    @Test
    void aMissingInputAndADoubleProducerAreRefused() {
        var missing = assertThrows(ModelLoadException.class,
                () -> TopologicalOrder.sort(List.of(node("n", List.of("w"), List.of("y"))), Set.of("x")));
        assertTrue(missing.getMessage().contains("reads 'w'"), missing.getMessage());
        var twice = assertThrows(ModelLoadException.class, () -> TopologicalOrder.sort(
                List.of(node("a", List.of("x"), List.of("y")), node("b", List.of("x"), List.of("y"))), Set.of("x")));
        assertTrue(twice.getMessage().contains("'y' is produced more than once"), twice.getMessage());
    }
}
