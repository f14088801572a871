package io.quantedge.api.model;

import io.quantedge.api.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a loaded model is and how it will run: its inputs and outputs, how many nodes of each op
 * type the file has, each node that runs (with the backend computing it and whether it computes
 * on integers or in float), the QDQ patterns fused into integer operators, the nodes that run in
 * float between dequantize and quantize (float fallback), and its memory figures.
 */
public record ModelReport(String model, List<TensorSpec> inputs, List<TensorSpec> outputs,
                          Map<String, Integer> opCounts, List<NodeReport> nodes, List<String> fused,
                          List<String> floatFallback, int foldedNodes, long weightBytes, long plannedActivationBytes) {

    /** How one node runs. */
    public record NodeReport(String name, String opType, String backend, boolean integer) {
        public NodeReport {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(opType, "opType");
            Objects.requireNonNull(backend, "backend");
        }
    }

    public ModelReport {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        opCounts = Map.copyOf(opCounts);
        nodes = List.copyOf(nodes);
        fused = List.copyOf(fused);
        floatFallback = List.copyOf(floatFallback);
    }
}
