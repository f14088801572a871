package io.quantedge.onnx;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code GraphProto} (the main graph or, through GRAPH attributes, a subgraph) into an
 * api {@link Graph}. An initializer may also be listed as a graph input, as exporters before IR
 * version 4 had to: it is then a constant, not an input, and its declared type must fit it.
 * Whether the graph is consistent (every value produced once, no cycle) is the
 * {@link GraphValidator}'s job, once the whole model is decoded.
 */
final class OnnxGraphDecoder {

    /** Graphs inside graphs inside graphs: real models nest two or three deep. */
    static final int MAX_GRAPH_DEPTH = 16;

    private OnnxGraphDecoder() {
    }

    /** A subgraph at nesting {@code depth} (0 for the main graph), without metadata. */
    static Graph decode(ProtobufReader reader, DecodeContext context, int depth) throws ModelLoadException {
        return decode(reader, context, depth, Map.of());
    }

    static Graph decode(ProtobufReader reader, DecodeContext context, int depth, Map<String, String> metadata)
            throws ModelLoadException {
        if (depth > MAX_GRAPH_DEPTH) {
            throw new ModelLoadException(Code.UNSUPPORTED, "graphs are nested more than " + MAX_GRAPH_DEPTH
                    + " deep (at byte " + reader.start() + ")");
        }
        String name = "";
        boolean sparse = false;
        List<ProtobufReader> nodes = new ArrayList<>();
        List<ProtobufReader> initializers = new ArrayList<>();
        List<ProtobufReader> inputs = new ArrayList<>();
        List<ProtobufReader> outputs = new ArrayList<>();
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            switch (field) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.node");
                    nodes.add(reader.readMessage("node"));
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.name");
                    name = reader.readString();
                }
                case 5 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.initializer");
                    initializers.add(reader.readMessage("initializer"));
                }
                case 11 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.input");
                    inputs.add(reader.readMessage("input"));
                }
                case 12 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.output");
                    outputs.add(reader.readMessage("output"));
                }
                case 13 -> {
                    // Types of intermediate values are not part of the api's graph; they are still
                    // decoded, so a malformed one is noticed.
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.value_info");
                    ValueInfoDecoder.decode(reader.readMessage("value_info"));
                }
                case 15 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto.sparse_initializer");
                    reader.skipField(tag);
                    sparse = true;
                }
                // doc_string, quantization_annotation (QuantEdge reads quantization from the
                // Q/DQ nodes themselves) and metadata_props.
                case 10, 14, 16 -> {
                    reader.expect(tag, ProtobufReader.LEN, "GraphProto field " + field);
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }
        String where = (depth == 0 ? "graph '" : "subgraph '") + name + "'";
        if (sparse) {
            throw new ModelLoadException(Code.UNSUPPORTED, where + " has sparse initializers, which QuantEdge does not read");
        }

        Map<String, Tensor> constants = new LinkedHashMap<>();
        for (ProtobufReader initializer : initializers) {
            TensorDecoder.NamedTensor tensor = context.tensors().decode(initializer);
            if (tensor.name().isEmpty()) {
                throw new ModelLoadException(Code.MALFORMED, "an initializer of " + where + " (at byte "
                        + tensor.offset() + ") has no name");
            }
            if (constants.put(tensor.name(), tensor.tensor()) != null) {
                throw new ModelLoadException(Code.INVALID_GRAPH, "initializer '" + tensor.name() + "' of " + where
                        + " is defined twice");
            }
        }

        List<TensorSpec> inputSpecs = new ArrayList<>();
        Set<String> inputNames = new HashSet<>();
        for (ProtobufReader input : inputs) {
            ValueInfoDecoder.ValueInfo value = named(ValueInfoDecoder.decode(input), "input", where);
            if (!inputNames.add(value.name())) {
                throw new ModelLoadException(Code.INVALID_GRAPH, "input '" + value.name() + "' of " + where
                        + " is listed twice");
            }
            Tensor constant = constants.get(value.name());
            if (constant == null) {
                inputSpecs.add(ValueInfoDecoder.toSpec(value, where, depth == 0));
            } else {
                requireFits(value, constant, where);
            }
        }

        List<TensorSpec> outputSpecs = new ArrayList<>();
        Set<String> outputNames = new HashSet<>();
        for (ProtobufReader output : outputs) {
            ValueInfoDecoder.ValueInfo value = named(ValueInfoDecoder.decode(output), "output", where);
            if (!outputNames.add(value.name())) {
                throw new ModelLoadException(Code.INVALID_GRAPH, "output '" + value.name() + "' of " + where
                        + " is listed twice");
            }
            outputSpecs.add(ValueInfoDecoder.toSpec(value, where, depth == 0));
        }

        List<Node> decoded = new ArrayList<>(nodes.size());
        for (int index = 0; index < nodes.size(); index++) {
            decoded.add(NodeDecoder.decode(nodes.get(index), index, context, depth, where));
        }
        return new Graph(name, context.opsets(), inputSpecs, outputSpecs, constants, nameUnnamed(decoded), metadata);
    }

    private static ValueInfoDecoder.ValueInfo named(ValueInfoDecoder.ValueInfo value, String role, String where)
            throws ModelLoadException {
        if (value.name().isEmpty()) {
            throw new ModelLoadException(Code.MALFORMED, "an " + role + " of " + where + " (at byte " + value.offset()
                    + ") has no name");
        }
        return value;
    }

    /**
     * An input backed by an initializer: when its declared type is one QuantEdge can read, the
     * initializer must be of that type and fit its shape. An undeclared or unreadable type is left
     * to the initializer, which is what the graph computes with.
     */
    private static void requireFits(ValueInfoDecoder.ValueInfo value, Tensor constant, String where)
            throws ModelLoadException {
        if (value.kind() != ValueInfoDecoder.Kind.TENSOR || value.shape() == null) {
            return;
        }
        TensorSpec declared;
        try {
            declared = ValueInfoDecoder.toSpec(value, where, false);
        } catch (ModelLoadException e) {
            return;
        }
        if (declared.type() != constant.type() || !declared.accepts(constant.shape())) {
            throw new ModelLoadException(Code.INVALID_GRAPH, "input '" + value.name() + "' of " + where
                    + " is declared " + declared + " but its initializer is " + constant.type() + constant.shape());
        }
    }

    /**
     * Gives every unnamed node the name "opType_index" (index in the file's node list), stable
     * across loads of the same file, made unique if the file already uses that name.
     */
    private static List<Node> nameUnnamed(List<Node> nodes) {
        Set<String> taken = new HashSet<>();
        for (Node node : nodes) {
            if (!node.name().isEmpty()) {
                taken.add(node.name());
            }
        }
        List<Node> named = new ArrayList<>(nodes.size());
        for (int index = 0; index < nodes.size(); index++) {
            Node node = nodes.get(index);
            if (!node.name().isEmpty()) {
                named.add(node);
                continue;
            }
            String name = node.opType() + "_" + index;
            for (int suffix = 1; taken.contains(name); suffix++) {
                name = node.opType() + "_" + index + "_" + suffix;
            }
            taken.add(name);
            named.add(new Node(name, node.domain(), node.opType(), node.inputs(), node.outputs(), node.attributes()));
        }
        return named;
    }
}
