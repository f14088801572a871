package io.quantedge.api.graph;

import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model as a format-neutral dataflow graph: what a {@code ModelLoader} produces and the engine
 * plans. {@code opsets} maps operator domain ("" for the default ONNX domain) to the opset version
 * the model was written against, which decides op semantics. Nodes may appear in any order; the
 * engine sorts them. Initializers are the constant tensors (weights), keyed by value name.
 */
public record Graph(String name, Map<String, Integer> opsets, List<TensorSpec> inputs, List<TensorSpec> outputs,
                    Map<String, Tensor> initializers, List<Node> nodes, Map<String, String> metadata) {

    public Graph {
        Objects.requireNonNull(name, "name");
        opsets = Map.copyOf(opsets);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = Map.copyOf(initializers);
        nodes = List.copyOf(nodes);
        metadata = Map.copyOf(metadata);
    }

    /** The opset version for {@code domain}, or 0 when the model does not import it. */
    public int opset(String domain) {
        Integer version = opsets.get(domain);
        if (version == null && domain.equals("ai.onnx")) {
            version = opsets.get("");
        }
        return version == null ? 0 : version;
    }

    /** Bytes held by all initializers: the model's weight memory before any pre-packing. */
    public long initializerBytes() {
        return initializers.values().stream()
                .mapToLong(t -> t.type().byteSize(t.elementCount()))
                .sum();
    }
}
