package io.quantedge.api.graph;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of a graph. Inputs and outputs name values of the graph; an empty input name is
 * an omitted optional input, as in ONNX. {@code domain} is empty for the default ONNX domain.
 */
public record Node(String name, String domain, String opType, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes) {

    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(opType, "opType");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    public Optional<Attribute> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    /** Input {@code index}, or empty when it is absent or omitted. */
    public Optional<String> input(int index) {
        return index < inputs.size() && !inputs.get(index).isEmpty()
                ? Optional.of(inputs.get(index)) : Optional.empty();
    }

    /** "domain:opType" for custom domains, "opType" for the default one; for messages. */
    public String qualifiedOpType() {
        return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType;
    }

    @Override
    public String toString() {
        return qualifiedOpType() + " '" + name + "'";
    }
}
