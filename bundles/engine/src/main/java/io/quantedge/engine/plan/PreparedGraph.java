package io.quantedge.engine.plan;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.OpFactory;
import io.quantedge.engine.OpRegistry;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A graph made ready to plan: nodes in dependency order, each with its operator, and every node
 * whose inputs are all constants already computed (constant folding). Shape-independent, so one
 * prepared graph serves every input shape.
 */
public final class PreparedGraph {
    private final String name;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, Value> constants;
    private final List<PreparedNode> nodes;
    private final int foldedNodes;
    private final List<String> fused;

    private PreparedGraph(String name, List<TensorSpec> inputs, List<TensorSpec> outputs,
                          Map<String, Value> constants, List<PreparedNode> nodes, int foldedNodes, List<String> fused) {
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
        this.constants = Collections.unmodifiableMap(constants);
        this.nodes = List.copyOf(nodes);
        this.foldedNodes = foldedNodes;
        this.fused = List.copyOf(fused);
    }

    public static PreparedGraph prepare(Graph graph, OpRegistry ops, KernelRegistry kernels)
            throws ModelLoadException {
        Map<String, Value> constants = new HashMap<>();
        for (Map.Entry<String, Tensor> initializer : graph.initializers().entrySet()) {
            constants.put(initializer.getKey(), Value.fromTensor(initializer.getValue()));
        }
        Set<String> available = new HashSet<>(constants.keySet());
        graph.inputs().forEach(input -> available.add(input.name()));
        List<Node> order = TopologicalOrder.sort(graph.nodes(), available);
        order = foldAheadOfFusion(graph, order, ops, kernels, constants);
        Set<String> graphOutputs = new HashSet<>();
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
        QdqFusion.Result fusion = QdqFusion.apply(order, constants, graphOutputs,
                new ActivationTables(graph, ops, kernels, constants));
        order = fusion.nodes();

        Map<Node, OpFactory> factories = new LinkedHashMap<>();
        List<String> unsupported = new ArrayList<>();
        for (Node node : order) {
            ops.find(node.domain(), node.opType()).ifPresentOrElse(f -> factories.put(node, f),
                    () -> unsupported.add(node.qualifiedOpType() + " (domain '" + node.domain() + "', opset "
                            + graph.opset(node.domain()) + ") in node '" + node.name() + "'"));
        }
        if (!unsupported.isEmpty()) {
            throw new ModelLoadException(Code.UNSUPPORTED, "unsupported operator" + (unsupported.size() > 1 ? "s: " : ": ")
                    + String.join("; ", unsupported));
        }

        List<PreparedNode> kept = new ArrayList<>();
        int folded = 0;
        for (Node node : order) {
            Operator op = factories.get(node).create(
                    new NodeContext(node, graph.opset(node.domain()), constants, kernels));
            if (op.foldable() && allConstant(node.inputs(), constants)) {
                fold(node, op, constants);
                folded++;
            } else {
                kept.add(new PreparedNode(node, op));
            }
        }
        dropUnused(constants, kept, graph.outputs());
        return new PreparedGraph(graph.name(), graph.inputs(), graph.outputs(), constants, kept,
                folded + (graph.nodes().size() - order.size()), fusion.fused());
    }

    /**
     * Computes, before QDQ fusion, every node whose inputs are all constants except
     * DequantizeLinear (as ONNX Runtime's constant folding does): quantization parameters held in
     * Constant or Identity nodes, and QAT exports' QuantizeLinear of float weights, become
     * constants the fusion can use, while the DequantizeLinear nodes that mark QDQ patterns stay.
     */
    private static List<Node> foldAheadOfFusion(Graph graph, List<Node> order, OpRegistry ops, KernelRegistry kernels,
                                                Map<String, Value> constants) throws ModelLoadException {
        List<Node> rest = new ArrayList<>();
        for (Node node : order) {
            Optional<OpFactory> factory = !node.opType().equals("DequantizeLinear") && allConstant(node.inputs(), constants)
                    ? ops.find(node.domain(), node.opType()) : Optional.empty();
            Operator op = factory.isPresent()
                    ? factory.get().create(new NodeContext(node, graph.opset(node.domain()), constants, kernels)) : null;
            if (op != null && op.foldable()) {
                fold(node, op, constants);
            } else {
                rest.add(node);
            }
        }
        return rest;
    }

    /**
     * Forgets constants no remaining node reads (float weights a QAT export quantized, folded
     * intermediates), so their memory is freed and not reported as the model's weights.
     */
    private static void dropUnused(Map<String, Value> constants, List<PreparedNode> nodes, List<TensorSpec> outputs) {
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.node().inputs()));
        outputs.forEach(o -> read.add(o.name()));
        constants.keySet().retainAll(read);
    }

    private static boolean allConstant(List<String> inputs, Map<String, Value> constants) {
        for (String input : inputs) {
            if (!input.isEmpty() && !constants.containsKey(input)) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code op} now on known inputs and records its outputs as known values. */
    static void fold(Node node, Operator op, Map<String, Value> known) throws ModelLoadException {
        List<TensorType> types = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        for (String input : node.inputs()) {
            Value v = input.isEmpty() ? null : known.get(input);
            values.add(v);
            types.add(v == null ? null : new TensorType(v.type(), v.shape()));
        }
        evaluate(node, op, op.infer(types, values), values, known);
    }

    /**
     * Runs {@code op} ahead of time on {@code values} (for ops that read only shapes, a value may
     * carry its shape and no data) and records its outputs, of types {@code outTypes}, as known.
     */
    static void evaluate(Node node, Operator op, List<TensorType> outTypes, List<Value> values, Map<String, Value> known)
            throws ModelLoadException {
        Value[] in = values.toArray(new Value[0]);
        Value[] out = new Value[outTypes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Value.allocate(outTypes.get(i).type(), outTypes.get(i).shape());
        }
        try {
            op.run(in, out);
        } catch (RuntimeException e) {
            throw new ModelLoadException(Code.INVALID_GRAPH, "computing " + node + " ahead of time failed: " + e, e);
        }
        for (int i = 0; i < out.length && i < node.outputs().size(); i++) {
            if (!node.outputs().get(i).isEmpty()) {
                known.put(node.outputs().get(i), out[i]);
            }
        }
    }

    public String name() {
        return name;
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** Initializers and folded values, by value name. */
    public Map<String, Value> constants() {
        return constants;
    }

    public List<PreparedNode> nodes() {
        return nodes;
    }

    /** Nodes computed ahead of time (constant folding) or absorbed by fusion. */
    public int foldedNodes() {
        return foldedNodes;
    }

    /** One line per QDQ pattern fused into an integer operator. */
    public List<String> fused() {
        return fused;
    }
}
