package io.quantedge.onnx;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an {@code AttributeProto} into an api {@link Attribute}. The {@code type} field says
 * which value field is meant; models from before IR version 2 lack it, and then the one value
 * field present decides. Kinds the api cannot hold (lists of tensors or graphs, sparse tensors,
 * type protos) and references to a function's attributes are refused by name.
 */
final class AttributeDecoder {

    /** An attribute and its name. */
    record NamedAttribute(String name, Attribute value) {
    }

    // AttributeProto.AttributeType codes, in onnx.proto.
    private static final int FLOAT = 1;
    private static final int INT = 2;
    private static final int STRING = 3;
    private static final int TENSOR = 4;
    private static final int GRAPH = 5;
    private static final int FLOATS = 6;
    private static final int INTS = 7;
    private static final int STRINGS = 8;
    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS",
        "INTS", "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};

    private AttributeDecoder() {
    }

    static NamedAttribute decode(ProtobufReader reader, DecodeContext context, int graphDepth, String node)
            throws ModelLoadException {
        String name = "";
        String referenced = "";
        long type = 0;
        float f = 0;
        long i = 0;
        String s = "";
        ProtobufReader t = null;
        ProtobufReader g = null;
        LongArrayBuilder floats = new LongArrayBuilder();
        LongArrayBuilder ints = new LongArrayBuilder();
        List<String> strings = new ArrayList<>();
        boolean[] seen = new boolean[TYPE_NAMES.length];

        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            int valueType = valueTypeOf(field);
            if (valueType != 0) {
                seen[valueType] = true;
            }
            switch (field) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.name");
                    name = reader.readString();
                }
                case 21 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.ref_attr_name");
                    referenced = reader.readString();
                }
                case 20 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "AttributeProto.type");
                    type = (int) reader.readVarint();
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.I32, "AttributeProto.f");
                    f = Float.intBitsToFloat(reader.readFixed32());
                }
                case 3 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "AttributeProto.i");
                    i = reader.readVarint();
                }
                case 4 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.s");
                    s = reader.readString();
                }
                case 5 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.t");
                    t = reader.readMessage("t");
                }
                case 6 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.g");
                    g = reader.readMessage("g");
                }
                case 7 -> RepeatedScalars.readInto(reader, tag, RepeatedScalars.Encoding.FIXED32, "AttributeProto.floats", floats);
                case 8 -> RepeatedScalars.readInto(reader, tag, RepeatedScalars.Encoding.VARINT, "AttributeProto.ints", ints);
                case 9 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto.strings");
                    strings.add(reader.readString());
                }
                case 10, 11, 13, 14, 15, 22, 23 -> {
                    reader.expect(tag, ProtobufReader.LEN, "AttributeProto field " + field);
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }

        String what = "attribute '" + name + "' of " + node;
        if (name.isEmpty()) {
            throw new ModelLoadException(Code.MALFORMED, "an attribute of " + node + " at byte " + reader.start()
                    + " has no name");
        }
        if (!referenced.isEmpty()) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " refers to function attribute '" + referenced
                    + "'; QuantEdge does not support model-local functions");
        }
        if (type == 0) {
            type = inferType(seen, what);
        }
        if (type < 0 || type >= TYPE_NAMES.length) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " has unknown attribute type " + type);
        }
        Attribute value = switch ((int) type) {
            case FLOAT -> Attribute.ofFloat(f);
            case INT -> Attribute.ofInt(i);
            case STRING -> Attribute.ofString(s);
            case TENSOR -> Attribute.ofTensor(context.tensors().decode(require(t, what, "t")).tensor());
            case GRAPH -> Attribute.ofGraph(OnnxGraphDecoder.decode(require(g, what, "g"), context, graphDepth + 1));
            case FLOATS -> Attribute.ofFloats(toFloats(floats));
            case INTS -> Attribute.ofInts(ints.toArray());
            case STRINGS -> Attribute.ofStrings(strings);
            default -> throw new ModelLoadException(Code.UNSUPPORTED, what + " has type " + TYPE_NAMES[(int) type]
                    + ", which QuantEdge does not support");
        };
        return new NamedAttribute(name, value);
    }

    /** The attribute type a value field carries, 0 for fields that carry none. */
    private static int valueTypeOf(int field) {
        return switch (field) {
            case 2 -> FLOAT;
            case 3 -> INT;
            case 4 -> STRING;
            case 5 -> TENSOR;
            case 6 -> GRAPH;
            case 7 -> FLOATS;
            case 8 -> INTS;
            case 9 -> STRINGS;
            case 10 -> 9;
            case 11 -> 10;
            case 22 -> 11;
            case 23 -> 12;
            case 14 -> 13;
            case 15 -> 14;
            default -> 0;
        };
    }

    private static long inferType(boolean[] seen, String what) throws ModelLoadException {
        int found = 0;
        for (int type = 1; type < seen.length; type++) {
            if (seen[type]) {
                if (found != 0) {
                    throw new ModelLoadException(Code.MALFORMED, what + " has no type and holds both "
                            + TYPE_NAMES[found] + " and " + TYPE_NAMES[type] + " values");
                }
                found = type;
            }
        }
        if (found == 0) {
            throw new ModelLoadException(Code.MALFORMED, what + " has neither a type nor a value");
        }
        return found;
    }

    private static ProtobufReader require(ProtobufReader value, String what, String field) throws ModelLoadException {
        if (value == null) {
            throw new ModelLoadException(Code.MALFORMED, what + " is typed " + (field.equals("t") ? "TENSOR" : "GRAPH")
                    + " but has no " + field + " field");
        }
        return value;
    }

    private static float[] toFloats(LongArrayBuilder bits) {
        long[] values = bits.toArray();
        float[] floats = new float[values.length];
        for (int k = 0; k < values.length; k++) {
            floats[k] = Float.intBitsToFloat((int) values[k]);
        }
        return floats;
    }
}
