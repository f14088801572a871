package io.quantedge.engine;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.model.ModelReport.NodeReport;
import io.quantedge.engine.plan.PreparedGraph;
import io.quantedge.engine.plan.PreparedNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Describes a prepared model for people: what it holds and how each node will run. */
final class ModelReporter {

    /** Ops that compute on integers (quantized forms); everything else computes in float. */
    private static final Set<String> INTEGER_OPS = Set.of("QLinearConv", "QLinearMatMul", "MatMulInteger",
            "ConvInteger", "QGemm", "MatMulNBits", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear");

    private ModelReporter() {
    }

    static ModelReport report(String name, Graph source, PreparedGraph graph, long weightBytes, long activationBytes) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node node : source.nodes()) {
            counts.merge(node.qualifiedOpType(), 1, Integer::sum);
        }
        Set<String> dequantized = new HashSet<>();
        for (PreparedNode prepared : graph.nodes()) {
            if (prepared.node().opType().equals("DequantizeLinear")) {
                dequantized.addAll(prepared.node().outputs());
            }
        }
        List<NodeReport> nodes = new ArrayList<>();
        List<String> fallback = new ArrayList<>();
        for (PreparedNode prepared : graph.nodes()) {
            Node node = prepared.node();
            boolean integer = INTEGER_OPS.contains(node.opType());
            nodes.add(new NodeReport(node.name(), node.qualifiedOpType(), prepared.operator().backend(), integer));
            if (!integer && node.inputs().stream().anyMatch(dequantized::contains)) {
                fallback.add(node.qualifiedOpType() + " '" + node.name() + "'");
            }
        }
        return new ModelReport(name, graph.inputs(), graph.outputs(), counts, nodes, graph.fused(), fallback,
                graph.foldedNodes(), weightBytes, activationBytes);
    }
}
