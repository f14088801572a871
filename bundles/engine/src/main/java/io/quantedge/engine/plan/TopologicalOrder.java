package io.quantedge.engine.plan;

import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders nodes so each runs after the nodes producing its inputs (Kahn's algorithm, stable: ready
 * nodes keep their file order). Refuses inputs nobody provides, values produced twice, and cycles.
 */
public final class TopologicalOrder {

    private TopologicalOrder() {
    }

    /** {@code available} are the values present before any node runs: graph inputs and constants. */
    public static List<Node> sort(List<Node> nodes, Set<String> available) throws ModelLoadException {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String output : nodes.get(i).outputs()) {
                if (output.isEmpty()) {
                    continue;
                }
                if (available.contains(output) || producer.putIfAbsent(output, i) != null) {
                    throw new ModelLoadException(Code.INVALID_GRAPH, "value '" + output + "' is produced more than once"
                            + " (again by " + nodes.get(i) + ")");
                }
            }
        }
        int[] waiting = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> producers = new HashSet<>();
            for (String input : nodes.get(i).inputs()) {
                if (input.isEmpty() || available.contains(input)) {
                    continue;
                }
                Integer p = producer.get(input);
                if (p == null) {
                    throw new ModelLoadException(Code.INVALID_GRAPH, nodes.get(i) + " reads '" + input
                            + "', which is no graph input, initializer or node output");
                }
                if (producers.add(p)) {
                    waiting[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int next = ready.poll();
            order.add(nodes.get(next));
            for (int consumer : consumers.get(next)) {
                if (--waiting[consumer] == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (order.size() < nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (waiting[i] > 0) {
                    throw new ModelLoadException(Code.INVALID_GRAPH, "the graph has a cycle through " + nodes.get(i));
                }
            }
        }
        return order;
    }
}
