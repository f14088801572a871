package io.quantedge.onnx;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.Map;
import java.util.Set;

/**
 * Encodes an api {@link Graph} as an ONNX {@code ModelProto}, with the field numbers of onnx.proto.
 * It is the reverse of {@link OnnxModelDecoder}: the model fields the decoder put into the graph's
 * metadata ({@code ir_version}, {@code producer_name}, ...) go back to their fields, the other
 * metadata entries become {@code metadata_props}. Tensors are written as {@code raw_data}
 * (little-endian, sub-byte types packed low nibble first, as the api stores them), never as
 * external data. Intermediate value types (value_info) are not kept by the api graph and are not
 * written; ONNX Runtime infers them.
 */
final class OnnxModelEncoder {

    /** IR version 7 reads every opset up to 13 and what came with it; a newer file keeps its own. */
    static final long DEFAULT_IR_VERSION = 7;
    private static final Set<String> MODEL_FIELDS = Set.of(
            "ir_version", "producer_name", "producer_version", "domain", "model_version");

    private OnnxModelEncoder() {
    }

    static byte[] encode(Graph graph) {
        Map<String, String> metadata = graph.metadata();
        ProtobufWriter model = new ProtobufWriter();
        model.varint(1, irVersion(graph));
        model.string(2, metadata.getOrDefault("producer_name", "quantedge"));
        if (metadata.containsKey("producer_version")) {
            model.string(3, metadata.get("producer_version"));
        }
        if (metadata.containsKey("domain")) {
            model.string(4, metadata.get("domain"));
        }
        if (metadata.containsKey("model_version")) {
            model.varint(5, Long.parseLong(metadata.get("model_version")));
        }
        model.message(7, graph(graph));
        graph.opsets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(opset ->
                model.message(8, new ProtobufWriter().string(1, opset.getKey()).varint(2, opset.getValue())));
        metadata.entrySet().stream()
                .filter(e -> !MODEL_FIELDS.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> model.message(14, new ProtobufWriter().string(1, e.getKey()).string(2, e.getValue())));
        return model.toByteArray();
    }

    private static long irVersion(Graph graph) {
        String text = graph.metadata().get("ir_version");
        long version = text == null ? DEFAULT_IR_VERSION : Long.parseLong(text);
        // Opset 21 (int4, blocked quantization) needs IR 10; an older number would make ORT refuse it.
        int opset = graph.opset("");
        long needed = opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : DEFAULT_IR_VERSION;
        return Math.max(version, needed);
    }

    private static ProtobufWriter graph(Graph graph) {
        ProtobufWriter message = new ProtobufWriter();
        for (Node node : graph.nodes()) {
            message.message(1, node(node));
        }
        message.string(2, graph.name());
        graph.initializers().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> message.message(5, tensor(e.getKey(), e.getValue())));
        for (TensorSpec input : graph.inputs()) {
            message.message(11, valueInfo(input));
        }
        for (TensorSpec output : graph.outputs()) {
            message.message(12, valueInfo(output));
        }
        return message;
    }

    private static ProtobufWriter node(Node node) {
        ProtobufWriter message = new ProtobufWriter();
        node.inputs().forEach(input -> message.string(1, input));
        node.outputs().forEach(output -> message.string(2, output));
        message.string(3, node.name());
        message.string(4, node.opType());
        node.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> message.message(5, attribute(e.getKey(), e.getValue())));
        if (!node.domain().isEmpty()) {
            message.string(7, node.domain());
        }
        return message;
    }

    /** AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20. */
    private static ProtobufWriter attribute(String name, Attribute attribute) {
        ProtobufWriter message = new ProtobufWriter().string(1, name);
        switch (attribute.kind()) {
            case FLOAT -> message.float32(2, attribute.asFloat()).varint(20, 1);
            case INT -> message.varint(3, attribute.asInt()).varint(20, 2);
            case STRING -> message.string(4, attribute.asString()).varint(20, 3);
            case TENSOR -> message.message(5, tensor("", attribute.asTensor())).varint(20, 4);
            case GRAPH -> message.message(6, graph(attribute.asGraph())).varint(20, 5);
            case FLOATS -> message.packedFloats(7, attribute.asFloats()).varint(20, 6);
            case INTS -> message.packedVarints(8, attribute.asInts()).varint(20, 7);
            case STRINGS -> {
                attribute.asStrings().forEach(s -> message.string(9, s));
                message.varint(20, 8);
            }
            default -> throw new IllegalArgumentException("attribute kind " + attribute.kind());
        }
        return message;
    }

    /** TensorProto: dims 1, data_type 2, name 8, raw_data 9. */
    private static ProtobufWriter tensor(String name, Tensor tensor) {
        ProtobufWriter message = new ProtobufWriter();
        long[] dims = new long[tensor.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = tensor.shape().dim(i);
        }
        if (dims.length > 0) {
            message.packedVarints(1, dims);
        }
        message.varint(2, OnnxDataType.codeOf(tensor.type()));
        if (!name.isEmpty()) {
            message.string(8, name);
        }
        return message.bytes(9, tensor.data());
    }

    /** ValueInfoProto{name 1, type 2}; TypeProto{tensor_type 1}; Tensor{elem_type 1, shape 2}. */
    private static ProtobufWriter valueInfo(TensorSpec spec) {
        ProtobufWriter shape = new ProtobufWriter();
        for (int i = 0; i < spec.rank(); i++) {
            int d = spec.dims().get(i);
            ProtobufWriter dim = new ProtobufWriter();
            if (d != TensorSpec.DYNAMIC) {
                dim.varint(1, d);
            } else if (!spec.dimNames().get(i).isEmpty()) {
                dim.string(2, spec.dimNames().get(i));
            }
            shape.message(1, dim);
        }
        ProtobufWriter tensorType = new ProtobufWriter()
                .varint(1, OnnxDataType.codeOf(spec.type()))
                .message(2, shape);
        return new ProtobufWriter().string(1, spec.name()).message(2, new ProtobufWriter().message(1, tensorType));
    }
}
