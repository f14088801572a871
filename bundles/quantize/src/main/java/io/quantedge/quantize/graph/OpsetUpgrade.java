package io.quantedge.quantize.graph;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raises a graph's default-domain opset to a later one (21: the first with INT4/UINT4 tensors),
 * rewriting the nodes whose meaning changed on the way. From opset 13 on, most changes only add
 * types or optional inputs; what changes meaning:
 * <ul>
 * <li>opset 18 moved {@code axes} of ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1,
 *     ReduceL2, ReduceLogSum, ReduceLogSumExp and ReduceSumSquare from an attribute to an input:
 *     rewritten (an int64 initializer);</li>
 * <li>RoiAlign (16: default coordinate mode), GridSample (20: mode names), DFT (20: axis becomes
 *     an input), GroupNormalization (21: scale and bias per channel instead of per group), and the
 *     recurrent ops (14: layout): refused, as is anything below opset 13 (Squeeze, Unsqueeze,
 *     Split and ReduceSum changed at 13).</li>
 * </ul>
 */
public final class OpsetUpgrade {

    private static final Set<String> AXES_TO_INPUT = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    /** Ops whose meaning changed after opset 13 in a way not rewritten here, with the opset that changed it. */
    private static final Map<String, Integer> CHANGED = Map.of("RoiAlign", 16, "GridSample", 20, "DFT", 20,
            "GroupNormalization", 21, "LSTM", 14, "GRU", 14, "RNN", 14);

    private OpsetUpgrade() {
    }

    /** The graph at {@code target}, unchanged when already there or later. */
    public static Graph to(Graph graph, int target) {
        int from = graph.opset("");
        if (from >= target) {
            return graph;
        }
        if (from < 13) {
            throw new IllegalArgumentException("the model imports opset " + from + "; raising it to " + target
                    + " is supported from opset 13");
        }
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (!node.domain().isEmpty()) {
                nodes.add(node);
                continue;
            }
            Integer changedAt = CHANGED.get(node.opType());
            if (changedAt != null && changedAt > from && changedAt <= target) {
                throw new IllegalArgumentException(node.opType() + " '" + node.name() + "' changed meaning in opset "
                        + changedAt + "; raising the model from opset " + from + " to " + target + " would change it");
            }
            if (from < 18 && target >= 18 && AXES_TO_INPUT.contains(node.opType())) {
                nodes.add(axesAsInput(node, initializers));
            } else {
                nodes.add(node);
            }
        }
        Map<String, Integer> opsets = new HashMap<>(graph.opsets());
        opsets.put("", target);
        // The writer raises the IR version the new opset needs.
        return new Graph(graph.name(), opsets, graph.inputs(), graph.outputs(), initializers, nodes, graph.metadata());
    }

    private static Node axesAsInput(Node node, Map<String, Tensor> initializers) {
        Attribute axes = node.attribute("axes").orElse(null);
        if (axes == null) {
            return node;
        }
        long[] values = axes.asInts();
        String name = node.name() + "_axes";
        for (int i = 1; initializers.containsKey(name); i++) {
            name = node.name() + "_axes_" + i;
        }
        initializers.put(name, Tensor.ofLongs(Shape.of(values.length), values));
        Map<String, Attribute> attributes = new LinkedHashMap<>(node.attributes());
        attributes.remove("axes");
        List<String> inputs = new ArrayList<>(node.inputs());
        inputs.add(name);
        return new Node(node.name(), node.domain(), node.opType(), inputs, node.outputs(), attributes);
    }
}
