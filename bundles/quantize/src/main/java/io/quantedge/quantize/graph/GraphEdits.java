package io.quantedge.quantize.graph;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small graph edits shared by the rewrites. */
public final class GraphEdits {

    private GraphEdits() {
    }

    /** The graph with new nodes, initializers and outputs; initializers nothing reads are dropped. */
    public static Graph withoutUnread(Graph graph, List<Node> nodes, Map<String, Tensor> initializers,
                                      List<TensorSpec> outputs) {
        Set<String> read = new HashSet<>();
        nodes.forEach(node -> read.addAll(node.inputs()));
        outputs.forEach(output -> read.add(output.name()));
        Map<String, Tensor> kept = new LinkedHashMap<>();
        initializers.forEach((name, tensor) -> {
            if (read.contains(name)) {
                kept.put(name, tensor);
            }
        });
        return new Graph(graph.name(), graph.opsets(), graph.inputs(), outputs, kept, nodes, graph.metadata());
    }

    /**
     * The graph with {@code values} added to its outputs, so a run returns them: how the quantizer
     * observes intermediate tensors in the engine. Their rank is not known here; the engine does not
     * need it for outputs. Values that are graph inputs or outputs already are left alone.
     */
    public static Graph observing(Graph graph, Iterable<String> values) {
        Set<String> present = new HashSet<>();
        graph.inputs().forEach(i -> present.add(i.name()));
        graph.outputs().forEach(o -> present.add(o.name()));
        List<TensorSpec> outputs = new ArrayList<>(graph.outputs());
        for (String value : values) {
            if (present.add(value)) {
                outputs.add(new TensorSpec(value, DataType.FP32, List.of(), List.of()));
            }
        }
        return new Graph(graph.name(), graph.opsets(), graph.inputs(), outputs, graph.initializers(), graph.nodes(),
                graph.metadata());
    }
}
