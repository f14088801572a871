package io.quantedge.onnx;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.TensorSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a graph is one the engine can plan. ONNX requires nodes in topological order, but a
 * file is not trusted to be what it should: every value is defined once (a graph input, an
 * initializer or one node's output), every node input and graph output is defined, every node's
 * operator domain is imported, and the nodes form no cycle. Subgraphs are checked the same way and
 * may read any value of the graphs around them; a node whose subgraph reads a value of the node's
 * own graph depends on that value's producer, as if it were an input.
 */
final class GraphValidator {

    private GraphValidator() {
    }

    static void validate(Graph graph) throws ModelLoadException {
        validate(graph, Set.of(), "graph '" + graph.name() + "'");
    }

    /**
     * Validates {@code graph}, which may read {@code outer} from enclosing graphs, and returns the
     * outer values it reads: the implicit inputs of the node holding it.
     */
    private static Set<String> validate(Graph graph, Set<String> outer, String where) throws ModelLoadException {
        Set<String> defined = new HashSet<>(graph.initializers().keySet());
        for (TensorSpec input : graph.inputs()) {
            if (!defined.add(input.name())) {
                throw invalid(where + " defines '" + input.name() + "' twice, as an input and as "
                        + (graph.initializers().containsKey(input.name()) ? "an initializer" : "another input"));
            }
        }
        List<Node> nodes = graph.nodes();
        Map<String, Integer> producers = new HashMap<>();
        for (int index = 0; index < nodes.size(); index++) {
            Node node = nodes.get(index);
            for (String output : node.outputs()) {
                if (output.isEmpty()) {
                    continue;
                }
                Integer other = producers.putIfAbsent(output, index);
                if (other != null) {
                    throw invalid("value '" + output + "' of " + where + " is produced twice, by " + node
                            + " and by " + nodes.get(other));
                }
                if (defined.contains(output)) {
                    throw invalid(node + " of " + where + " produces '" + output
                            + "', which is already a graph input or initializer");
                }
            }
        }

        Set<String> scope = new HashSet<>(outer);
        scope.addAll(defined);
        scope.addAll(producers.keySet());
        Set<String> readFromOuter = new LinkedHashSet<>();
        List<Set<String>> dependencies = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            requireDomain(graph, node, where);
            Set<String> reads = new LinkedHashSet<>();
            for (String input : node.inputs()) {
                if (input.isEmpty()) {
                    continue;
                }
                if (!scope.contains(input)) {
                    throw invalid(node + " of " + where + " reads '" + input
                            + "', which is no graph input, initializer or node output");
                }
                reads.add(input);
            }
            for (Map.Entry<String, Attribute> attribute : node.attributes().entrySet()) {
                if (attribute.getValue().kind() == Attribute.Kind.GRAPH) {
                    Graph subgraph = attribute.getValue().asGraph();
                    reads.addAll(validate(subgraph, scope, "subgraph '" + subgraph.name() + "' (attribute '"
                            + attribute.getKey() + "' of " + node + ")"));
                }
            }
            for (String value : reads) {
                if (!defined.contains(value) && !producers.containsKey(value)) {
                    readFromOuter.add(value);
                }
            }
            dependencies.add(reads);
        }

        for (TensorSpec output : graph.outputs()) {
            String name = output.name();
            if (!scope.contains(name)) {
                throw invalid("output '" + name + "' of " + where + " is produced by no node and is no input or initializer");
            }
            if (!defined.contains(name) && !producers.containsKey(name)) {
                readFromOuter.add(name);
            }
        }
        requireAcyclic(nodes, dependencies, producers, where);
        return readFromOuter;
    }

    private static void requireDomain(Graph graph, Node node, String where) throws ModelLoadException {
        String domain = node.domain().equals("ai.onnx") ? "" : node.domain();
        if (!graph.opsets().containsKey(domain)) {
            throw invalid(node + " of " + where + " uses operator domain '" + domain
                    + "', which the model does not import (it imports " + graph.opsets().keySet() + ")");
        }
    }

    /** Kahn's algorithm; nodes it cannot order lie on or behind a cycle, and one on the cycle is named. */
    private static void requireAcyclic(List<Node> nodes, List<Set<String>> dependencies, Map<String, Integer> producers,
                                       String where) throws ModelLoadException {
        int count = nodes.size();
        int[] waitingFor = new int[count];
        List<List<Integer>> consumers = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            consumers.add(new ArrayList<>());
        }
        for (int index = 0; index < count; index++) {
            for (String value : dependencies.get(index)) {
                Integer producer = producers.get(value);
                if (producer != null) {
                    consumers.get(producer).add(index);
                    waitingFor[index]++;
                }
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int index = 0; index < count; index++) {
            if (waitingFor[index] == 0) {
                ready.add(index);
            }
        }
        int ordered = 0;
        while (!ready.isEmpty()) {
            int index = ready.poll();
            ordered++;
            for (int consumer : consumers.get(index)) {
                if (--waitingFor[consumer] == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (ordered == count) {
            return;
        }
        throw invalid(where + " has a cycle: " + describeCycle(nodes, dependencies, producers, waitingFor));
    }

    /**
     * Walks from an unordered node to an unordered producer of one of its inputs, which always
     * exists, until a node repeats: the nodes from its first visit on form a cycle.
     */
    private static String describeCycle(List<Node> nodes, List<Set<String>> dependencies, Map<String, Integer> producers,
                                        int[] waitingFor) {
        int current = 0;
        while (waitingFor[current] == 0) {
            current++;
        }
        Map<Integer, Integer> visitedAt = new HashMap<>();
        List<Integer> path = new ArrayList<>();
        while (!visitedAt.containsKey(current)) {
            visitedAt.put(current, path.size());
            path.add(current);
            for (String value : dependencies.get(current)) {
                Integer producer = producers.get(value);
                if (producer != null && waitingFor[producer] > 0) {
                    current = producer;
                    break;
                }
            }
        }
        List<Integer> cycle = new ArrayList<>(path.subList(visitedAt.get(current), path.size()));
        // The walk followed inputs backwards; show the data flow forwards, from where the walk closed.
        Collections.reverse(cycle);
        Collections.rotate(cycle, 1);
        StringBuilder text = new StringBuilder();
        for (int index : cycle) {
            text.append(nodes.get(index)).append(" -> ");
        }
        return text.append(nodes.get(cycle.get(0))).toString();
    }

    private static ModelLoadException invalid(String message) {
        return new ModelLoadException(Code.INVALID_GRAPH, message);
    }
}
