package io.quantedge.onnx;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a {@code NodeProto} into an api {@link Node}. The name stays empty when the file gives
 * none: the graph decoder names such nodes once it knows every name in the graph.
 */
final class NodeDecoder {

    private NodeDecoder() {
    }

    /** Node {@code index} of {@code graph}, a description used in messages. */
    static Node decode(ProtobufReader reader, int index, DecodeContext context, int graphDepth, String graph)
            throws ModelLoadException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        List<ProtobufReader> attributes = new ArrayList<>();
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            switch (field) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.input");
                    inputs.add(reader.readString());
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.output");
                    outputs.add(reader.readString());
                }
                case 3 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.name");
                    name = reader.readString();
                }
                case 4 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.op_type");
                    opType = reader.readString();
                }
                case 5 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.attribute");
                    attributes.add(reader.readMessage("attribute"));
                }
                case 7 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto.domain");
                    domain = OnnxModelDecoder.normalizeDomain(reader.readString());
                }
                case 6, 8, 9 -> {
                    reader.expect(tag, ProtobufReader.LEN, "NodeProto field " + field);
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }
        if (opType.isEmpty()) {
            throw new ModelLoadException(Code.MALFORMED, "node #" + index + (name.isEmpty() ? "" : " '" + name + "'")
                    + " of " + graph + " (at byte " + reader.start() + ") has no op_type");
        }
        String what = (name.isEmpty() ? "node #" + index : "node '" + name + "'")
                + " (" + (domain.isEmpty() ? "" : domain + ":") + opType + ") of " + graph;
        if (context.localFunctions().contains(domain + ":" + opType)) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " calls a function defined in the model;"
                    + " QuantEdge does not support model-local functions");
        }
        Map<String, Attribute> decoded = new LinkedHashMap<>();
        for (ProtobufReader attribute : attributes) {
            AttributeDecoder.NamedAttribute named = AttributeDecoder.decode(attribute, context, graphDepth, what);
            if (decoded.put(named.name(), named.value()) != null) {
                throw new ModelLoadException(Code.MALFORMED, what + " has attribute '" + named.name() + "' twice");
            }
        }
        return new Node(name, domain, opType, inputs, outputs, decoded);
    }
}
