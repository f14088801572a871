package io.quantedge.conformance;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.Tensor;

/**
 * For a float output that a DequantizeLinear produces from an integer tensor, the scale of that
 * dequantization: such outputs are compared in quantization steps, since any integer kernel
 * difference upstream shows up as whole steps.
 */
final class QuantizedOutputs {

    private QuantizedOutputs() {
    }

    static double scaleOf(Graph graph, String output) {
        for (Node node : graph.nodes()) {
            if (node.opType().equals("DequantizeLinear") && node.outputs().get(0).equals(output)) {
                Tensor scale = graph.initializers().get(node.inputs().get(1));
                if (scale != null && scale.elementCount() == 1) {
                    return scale.floatAt(0);
                }
            }
        }
        return 0;
    }
}
