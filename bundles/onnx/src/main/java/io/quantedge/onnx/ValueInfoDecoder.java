package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes {@code ValueInfoProto} with its {@code TypeProto} and {@code TensorShapeProto}, and turns
 * a tensor-typed value into a {@link TensorSpec}. Dimensions given as a {@code dim_param}, or not
 * given at all, become {@link TensorSpec#DYNAMIC} with the parameter's name.
 */
final class ValueInfoDecoder {

    /** What kind of value a {@code TypeProto} describes; NONE when the type is absent. */
    enum Kind { NONE, TENSOR, SEQUENCE, MAP, OPTIONAL, SPARSE_TENSOR, OPAQUE }

    /** One dimension: {@code value} when {@code known}, else the symbolic {@code param} (maybe empty). */
    record Dim(boolean known, long value, String param) {
    }

    /** A decoded value: its kind, for tensors the ONNX element type code, and the shape (null: rank unknown). */
    record ValueInfo(String name, Kind kind, long elementType, List<Dim> shape, int offset) {
    }

    private ValueInfoDecoder() {
    }

    static ValueInfo decode(ProtobufReader reader) throws ModelLoadException {
        int offset = reader.start();
        String name = "";
        ValueInfo typed = null;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ValueInfoProto.name");
                    name = reader.readString();
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ValueInfoProto.type");
                    if (typed != null) {
                        throw reader.malformedAt(reader.tagPosition(), "ValueInfoProto.type appears twice");
                    }
                    typed = decodeType(reader.readMessage("type"), offset);
                }
                case 3, 4 -> {
                    reader.expect(tag, ProtobufReader.LEN, "ValueInfoProto field " + ProtobufReader.fieldNumber(tag));
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }
        if (typed == null) {
            return new ValueInfo(name, Kind.NONE, 0, null, offset);
        }
        return new ValueInfo(name, typed.kind(), typed.elementType(), typed.shape(), offset);
    }

    private static ValueInfo decodeType(ProtobufReader reader, int offset) throws ModelLoadException {
        Kind kind = Kind.NONE;
        ValueInfo tensor = null;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            int field = ProtobufReader.fieldNumber(tag);
            Kind other = switch (field) {
                case 4 -> Kind.SEQUENCE;
                case 5 -> Kind.MAP;
                case 7 -> Kind.OPAQUE;
                case 8 -> Kind.SPARSE_TENSOR;
                case 9 -> Kind.OPTIONAL;
                default -> null;
            };
            if (field == 1) {
                reader.expect(tag, ProtobufReader.LEN, "TypeProto.tensor_type");
                tensor = decodeTensorType(reader.readMessage("tensor_type"), offset);
                kind = Kind.TENSOR;
            } else if (other != null) {
                // Only the kind matters: QuantEdge refuses non-tensor values by name without reading them.
                reader.expect(tag, ProtobufReader.LEN, "TypeProto field " + field);
                reader.skipField(tag);
                kind = other;
            } else if (field == 6) {
                reader.expect(tag, ProtobufReader.LEN, "TypeProto.denotation");
                reader.skipField(tag);
            } else {
                reader.skipField(tag);
            }
        }
        if (kind == Kind.TENSOR) {
            return tensor;
        }
        return new ValueInfo("", kind, 0, null, offset);
    }

    private static ValueInfo decodeTensorType(ProtobufReader reader, int offset) throws ModelLoadException {
        long elementType = 0;
        List<Dim> shape = null;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                case 1 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "TypeProto.Tensor.elem_type");
                    elementType = (int) reader.readVarint();
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "TypeProto.Tensor.shape");
                    if (shape != null) {
                        throw reader.malformedAt(reader.tagPosition(), "TypeProto.Tensor.shape appears twice");
                    }
                    shape = decodeShape(reader.readMessage("shape"));
                }
                default -> reader.skipField(tag);
            }
        }
        return new ValueInfo("", Kind.TENSOR, elementType, shape, offset);
    }

    private static List<Dim> decodeShape(ProtobufReader reader) throws ModelLoadException {
        List<Dim> dims = new ArrayList<>();
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            if (ProtobufReader.fieldNumber(tag) == 1) {
                reader.expect(tag, ProtobufReader.LEN, "TensorShapeProto.dim");
                dims.add(decodeDim(reader.readMessage("dim")));
            } else {
                reader.skipField(tag);
            }
        }
        return dims;
    }

    private static Dim decodeDim(ProtobufReader reader) throws ModelLoadException {
        Dim dim = new Dim(false, 0, "");
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            switch (ProtobufReader.fieldNumber(tag)) {
                // dim_value and dim_param are a oneof: the last one on the wire wins.
                case 1 -> {
                    reader.expect(tag, ProtobufReader.VARINT, "Dimension.dim_value");
                    dim = new Dim(true, reader.readVarint(), "");
                }
                case 2 -> {
                    reader.expect(tag, ProtobufReader.LEN, "Dimension.dim_param");
                    dim = new Dim(false, 0, reader.readString());
                }
                case 3 -> {
                    reader.expect(tag, ProtobufReader.LEN, "Dimension.denotation");
                    reader.skipField(tag);
                }
                default -> reader.skipField(tag);
            }
        }
        return dim;
    }

    /**
     * The spec of a graph input or output. {@code where} names the graph for messages. A missing
     * type is INVALID_GRAPH in the main graph (ONNX requires it there) and UNSUPPORTED in a
     * subgraph, as are non-tensor values and tensors of unknown rank: a TensorSpec has a fixed rank
     * and an element type.
     */
    static TensorSpec toSpec(ValueInfo value, String where, boolean mainGraph) throws ModelLoadException {
        String what = "value '" + value.name() + "' of " + where;
        switch (value.kind()) {
            case NONE -> throw new ModelLoadException(mainGraph ? Code.INVALID_GRAPH : Code.UNSUPPORTED,
                    what + " declares no type" + (mainGraph ? "; ONNX requires one for the main graph's inputs and outputs"
                            : "; QuantEdge needs the element type and rank of every subgraph input and output"));
            case TENSOR -> {
            }
            default -> {
                String kind = value.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
                throw new ModelLoadException(Code.UNSUPPORTED, what + " is " + (kind.startsWith("o") ? "an " : "a ")
                        + kind + "; QuantEdge supports tensor values only");
            }
        }
        DataType type = OnnxDataType.apiType(value.elementType(), what);
        if (value.shape() == null) {
            throw new ModelLoadException(Code.UNSUPPORTED, what + " has no shape (unknown rank); "
                    + "QuantEdge needs the rank of every graph input and output");
        }
        List<Integer> dims = new ArrayList<>(value.shape().size());
        List<String> names = new ArrayList<>(value.shape().size());
        for (Dim dim : value.shape()) {
            if (!dim.known()) {
                dims.add(TensorSpec.DYNAMIC);
                names.add(dim.param());
            } else if (dim.value() < 0) {
                throw new ModelLoadException(Code.MALFORMED, what + " has negative dimension " + dim.value());
            } else if (dim.value() > Integer.MAX_VALUE) {
                throw new ModelLoadException(Code.TOO_LARGE, what + " has dimension " + dim.value()
                        + ", more than the " + Integer.MAX_VALUE + " a dimension can have");
            } else {
                dims.add((int) dim.value());
                names.add("");
            }
        }
        return new TensorSpec(value.name(), type, dims, names);
    }
}
