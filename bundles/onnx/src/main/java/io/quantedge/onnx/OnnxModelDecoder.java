package io.quantedge.onnx;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code ModelProto} into the api's {@link Graph}. The model's fields become the graph's
 * metadata beside {@code metadata_props}: {@code ir_version}, {@code producer_name},
 * {@code producer_version}, {@code domain} and {@code model_version}, as strings (each only when
 * the model sets it). Those keys are reserved for the model's own fields: a metadata_props entry
 * of the same name is dropped, so a property cannot pass itself off as the IR version.
 */
final class OnnxModelDecoder {

    private OnnxModelDecoder() {
    }

    static Graph decode(ByteBuffer bytes, ExternalDataResolver externalData) throws ModelLoadException {
        ProtobufReader reader = ProtobufReader.of(bytes, "ModelProto");
        if (!reader.hasRemaining()) {
            throw new ModelLoadException(Code.MALFORMED, "the file is empty");
        }
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        String domain = "";
        Long modelVersion = null;
        ProtobufReader graph = null;
        Map<String, Integer> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> functions = new HashSet<>();
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            switch (field) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "ModelProto.ir_version");
                    irVersion = reader.readVarint();
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.producer_name");
                    producerName = reader.readString();
                }
                case 3 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.producer_version");
                    producerVersion = reader.readString();
                }
                case 4 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.domain");
                    domain = reader.readString();
                }
                case 5 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "ModelProto.model_version");
                    modelVersion = reader.readVarint();
                }
                case 7 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.graph");
                    if (graph != null) {
                        throw reader.malformedAt(reader.tagPosition(), "ModelProto.graph appears twice");
                    }
                    graph = reader.readMessage("graph");
                }
                case 8 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.opset_import");
                    putOpset(reader.readMessage("opset_import"), opsets);
                }
                case 14 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.metadata_props");
                    StringEntries.put(reader.readMessage("metadata_props"), metadata);
                }
                case 25 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto.functions");
                    functions.add(functionId(reader.readMessage("functions")));
                }
                // doc_string, training_info, configuration.
                case 6, 20, 26 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ModelProto field " + field);
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }
        if (graph == null) {
            throw new ModelLoadException(Code.MALFORMED, "the file holds no ONNX graph: it is not an ONNX model,"
                    + " or a truncated one");
        }
        if (irVersion <= 0) {
            throw new ModelLoadException(Code.MALFORMED, "the model has no ir_version");
        }
        if (opsets.isEmpty()) {
            throw new ModelLoadException(Code.INVALID_GRAPH, "the model imports no operator set (opset_import is empty)");
        }
        metadata.put("ir_version", Long.toString(irVersion));
        putIfPresent(metadata, "producer_name", producerName);
        putIfPresent(metadata, "producer_version", producerVersion);
        putIfPresent(metadata, "domain", domain);
        if (modelVersion != null) {
            metadata.put("model_version", Long.toString(modelVersion));
        }
        DecodeContext context = new DecodeContext(new TensorDecoder(externalData), Map.copyOf(opsets), Set.copyOf(functions));
        return OnnxGraphDecoder.decode(graph, context, 0, metadata);
    }

    /** "" for ONNX's default operator domain, whichever of its two spellings the file uses. */
    static String normalizeDomain(String domain) {
        return domain.equals("ai.onnx") ? "" : domain;
    }

    private static void putOpset(ProtobufReader reader, Map<String, Integer> opsets) throws ModelLoadException {
        String domain = "";
        long version = 0;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "OperatorSetIdProto.domain");
                    domain = normalizeDomain(reader.readString());
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "OperatorSetIdProto.version");
                    version = reader.readVarint();
                }
                default -> reader.skipField(tag);
            }
        }
        String shown = domain.isEmpty() ? "the default domain" : "domain '" + domain + "'";
        if (version < 0 || version > Integer.MAX_VALUE) {
            throw new ModelLoadException(Code.MALFORMED, "opset_import gives " + shown + " version " + version);
        }
        Integer previous = opsets.put(domain, (int) version);
        if (previous != null && previous != version) {
            throw new ModelLoadException(Code.MALFORMED, "opset_import lists " + shown + " twice, as versions "
                    + previous + " and " + version);
        }
    }

    /** "domain:name" of a FunctionProto; only its identity matters, to refuse nodes that call it. */
    private static String functionId(ProtobufReader reader) throws ModelLoadException {
        String name = "";
        String domain = "";
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "FunctionProto.name");
                    name = reader.readString();
                }
                case 10 -> {
                    reader.expect(tag, ProtobufReader.LEN, "FunctionProto.domain");
                    domain = normalizeDomain(reader.readString());
                }
                default -> reader.skipField(tag);
            }
        }
        return domain + ":" + name;
    }

    private static void putIfPresent(Map<String, String> metadata, String key, String value) {
        if (value.isEmpty()) {
            metadata.remove(key);
        } else {
            metadata.put(key, value);
        }
    }
}
