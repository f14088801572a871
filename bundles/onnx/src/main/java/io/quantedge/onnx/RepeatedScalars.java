package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;

/**
 * Repeated scalar fields. A writer may encode one packed (a single length-delimited run) or
 * unpacked (one keyed value per element), and may even mix the two; proto2 ONNX writers leave
 * {@code dims} and attribute lists unpacked and pack the tensor data fields. A reader must accept
 * both. Each method handles one occurrence of the field, whose key the caller has just read.
 */
final class RepeatedScalars {

    /** How the elements of a field are stored on the wire. */
    enum Encoding {
        VARINT(ProtobufReader.VARINT, 0),
        FIXED32(ProtobufReader.I32, 4),
        FIXED64(ProtobufReader.I64, 8);

        final int wireType;
        final int width;

        Encoding(int wireType, int width) {
            this.wireType = wireType;
            this.width = width;
        }
    }

    /** Receives one element; fixed 32-bit values arrive as their bits in the low half. */
    @FunctionalInterface
    interface Sink {
        void accept(long value) throws ModelLoadException;
    }

    private RepeatedScalars() {
    }

    /** Counts the elements of this occurrence and moves past it, allocating nothing. */
    static long count(ProtobufReader reader, int tag, Encoding encoding, String field) throws ModelLoadException {
        int wireType = ProtobufReader.wireType(tag);
        if (wireType == encoding.wireType) {
            readOne(reader, encoding);
            return 1;
        }
        if (wireType != ProtobufReader.LEN) {
            reader.expect(tag, encoding.wireType, field);
        }
        ProtobufReader run = reader.readPacked();
        if (encoding == Encoding.VARINT) {
            long count = 0;
            while (run.hasRemaining()) {
                run.readVarint();
                count++;
            }
            return count;
        }
        int length = run.remaining();
        if (length % encoding.width != 0) {
            throw reader.malformedAt(reader.tagPosition(), "packed " + field + " holds " + length
                    + " bytes, not a multiple of " + encoding.width);
        }
        return length / encoding.width;
    }

    /** Hands every element of this occurrence to {@code sink}, in order. */
    static void read(ProtobufReader reader, int tag, Encoding encoding, String field, Sink sink) throws ModelLoadException {
        int wireType = ProtobufReader.wireType(tag);
        if (wireType == encoding.wireType) {
            sink.accept(readOne(reader, encoding));
            return;
        }
        if (wireType != ProtobufReader.LEN) {
            reader.expect(tag, encoding.wireType, field);
        }
        ProtobufReader run = reader.readPacked();
        if (encoding != Encoding.VARINT && run.remaining() % encoding.width != 0) {
            throw reader.malformedAt(reader.tagPosition(), "packed " + field + " holds " + run.remaining()
                    + " bytes, not a multiple of " + encoding.width);
        }
        while (run.hasRemaining()) {
            sink.accept(readOne(run, encoding));
        }
    }

    /** All elements of this occurrence appended to {@code values}. */
    static void readInto(ProtobufReader reader, int tag, Encoding encoding, String field, LongArrayBuilder values)
            throws ModelLoadException {
        read(reader, tag, encoding, field, values::add);
    }

    private static long readOne(ProtobufReader reader, Encoding encoding) throws ModelLoadException {
        return switch (encoding) {
            case VARINT -> reader.readVarint();
            case FIXED32 -> reader.readFixed32() & 0xFFFF_FFFFL;
            case FIXED64 -> reader.readFixed64();
        };
    }
}
