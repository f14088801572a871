package io.quantedge.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message under construction, for tests. It is kept as a tree of fields until it is
 * encoded, so a test can find any field of a model and encode it differently (with another wire
 * type, say) to see how the reader copes.
 */
final class ProtoMessage {

    /** One field: a number, a wire type and the payload for that wire type. */
    static final class Field {
        final int number;
        final int wireType;
        final long value;
        final byte[] bytes;
        final ProtoMessage message;

        Field(int number, int wireType, long value, byte[] bytes, ProtoMessage message) {
            this.number = number;
            this.wireType = wireType;
            this.value = value;
            this.bytes = bytes;
            this.message = message;
        }

        /** The payload, encoded as a length-delimited field would carry it. */
        byte[] payload() {
            if (message != null) {
                return message.toByteArray();
            }
            if (bytes != null) {
                return bytes;
            }
            return varint(value);
        }

        /**
         * This field with wire type {@code wireType} and a plausible payload of that type: what a
         * writer with the wrong schema would produce.
         */
        Field withWireType(int newWireType) {
            long scalar = bytes != null || message != null ? payload().length : value;
            return switch (newWireType) {
                case ProtobufReader.LEN -> new Field(number, newWireType, 0, payload(), null);
                case ProtobufReader.SGROUP -> new Field(number, newWireType, 0, null,
                        message != null ? message : new ProtoMessage());
                default -> new Field(number, newWireType, scalar, null, null);
            };
        }
    }

    private final List<Field> fields = new ArrayList<>();

    ProtoMessage varint(int number, long value) {
        return add(new Field(number, ProtobufReader.VARINT, value, null, null));
    }

    ProtoMessage fixed32(int number, int bits) {
        return add(new Field(number, ProtobufReader.I32, bits & 0xFFFF_FFFFL, null, null));
    }

    ProtoMessage float32(int number, float value) {
        return fixed32(number, Float.floatToRawIntBits(value));
    }

    ProtoMessage fixed64(int number, long bits) {
        return add(new Field(number, ProtobufReader.I64, bits, null, null));
    }

    ProtoMessage bytes(int number, byte[] value) {
        return add(new Field(number, ProtobufReader.LEN, 0, value.clone(), null));
    }

    ProtoMessage string(int number, String value) {
        return bytes(number, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoMessage message(int number, ProtoMessage value) {
        return add(new Field(number, ProtobufReader.LEN, 0, null, value));
    }

    ProtoMessage group(int number, ProtoMessage value) {
        return add(new Field(number, ProtobufReader.SGROUP, 0, null, value));
    }

    ProtoMessage packedVarints(int number, long... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long v : values) {
            out.writeBytes(varint(v));
        }
        return bytes(number, out.toByteArray());
    }

    ProtoMessage packedFixed32(int number, int... values) {
        byte[] out = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            for (int b = 0; b < 4; b++) {
                out[i * 4 + b] = (byte) (values[i] >>> (8 * b));
            }
        }
        return bytes(number, out);
    }

    ProtoMessage packedFloats(int number, float... values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return packedFixed32(number, bits);
    }

    ProtoMessage add(Field field) {
        fields.add(field);
        return this;
    }

    List<Field> fields() {
        return fields;
    }

    /** Every field of this message and of the messages in it, depth first, in encoding order. */
    List<Field> allFields() {
        List<Field> all = new ArrayList<>();
        for (Field field : fields) {
            all.add(field);
            if (field.message != null) {
                all.addAll(field.message.allFields());
            }
        }
        return all;
    }

    /** A copy of this tree in which {@code target} is replaced by {@code replacement}. */
    ProtoMessage replacing(Field target, Field replacement) {
        ProtoMessage copy = new ProtoMessage();
        for (Field field : fields) {
            if (field == target) {
                copy.add(replacement);
            } else if (field.message != null) {
                copy.add(new Field(field.number, field.wireType, field.value, field.bytes,
                        field.message.replacing(target, replacement)));
            } else {
                copy.add(field);
            }
        }
        return copy;
    }

    byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            out.writeBytes(varint(((long) field.number << 3) | field.wireType));
            switch (field.wireType) {
                case ProtobufReader.VARINT -> out.writeBytes(varint(field.value));
                case ProtobufReader.I32 -> out.writeBytes(littleEndian(field.value, 4));
                case ProtobufReader.I64 -> out.writeBytes(littleEndian(field.value, 8));
                case ProtobufReader.LEN -> {
                    byte[] payload = field.payload();
                    out.writeBytes(varint(payload.length));
                    out.writeBytes(payload);
                }
                case ProtobufReader.SGROUP -> {
                    out.writeBytes(field.message.toByteArray());
                    out.writeBytes(varint(((long) field.number << 3) | ProtobufReader.EGROUP));
                }
                default -> throw new IllegalStateException("wire type " + field.wireType);
            }
        }
        return out.toByteArray();
    }

    static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] littleEndian(long value, int width) {
        byte[] out = new byte[width];
        for (int b = 0; b < width; b++) {
            out[b] = (byte) (value >>> (8 * b));
        }
        return out;
    }
}
