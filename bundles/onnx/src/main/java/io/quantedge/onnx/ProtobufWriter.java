package io.quantedge.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Protobuf wire-format encoder for the few field kinds ONNX uses: varints, fixed32 floats and
 * length-delimited payloads (strings, bytes, nested messages, packed repeated scalars). A nested
 * message is encoded into its own writer first, since its length precedes it on the wire.
 */
final class ProtobufWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtobufWriter varint(int field, long value) {
        tag(field, ProtobufReader.VARINT);
        rawVarint(value);
        return this;
    }

    ProtobufWriter float32(int field, float value) {
        tag(field, ProtobufReader.I32);
        rawFixed32(Float.floatToRawIntBits(value));
        return this;
    }

    ProtobufWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtobufWriter bytes(int field, byte[] value) {
        tag(field, ProtobufReader.LEN);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** The buffer's remaining bytes as one length-delimited field, without disturbing its position. */
    ProtobufWriter bytes(int field, ByteBuffer value) {
        ByteBuffer view = value.duplicate();
        tag(field, ProtobufReader.LEN);
        rawVarint(view.remaining());
        if (view.hasArray()) {
            out.write(view.array(), view.arrayOffset() + view.position(), view.remaining());
        } else {
            byte[] chunk = new byte[Math.min(view.remaining(), 1 << 16)];
            while (view.hasRemaining()) {
                int n = Math.min(chunk.length, view.remaining());
                view.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        return this;
    }

    ProtobufWriter message(int field, ProtobufWriter message) {
        tag(field, ProtobufReader.LEN);
        rawVarint(message.out.size());
        try {
            message.out.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return this;
    }

    /** A packed repeated int64 field (proto3 packs by default; ONNX readers take both forms). */
    ProtobufWriter packedVarints(int field, long[] values) {
        ProtobufWriter packed = new ProtobufWriter();
        for (long v : values) {
            packed.rawVarint(v);
        }
        return message(field, packed);
    }

    ProtobufWriter packedFloats(int field, float[] values) {
        ProtobufWriter packed = new ProtobufWriter();
        for (float v : values) {
            packed.rawFixed32(Float.floatToRawIntBits(v));
        }
        return message(field, packed);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void rawFixed32(int bits) {
        out.write(bits);
        out.write(bits >>> 8);
        out.write(bits >>> 16);
        out.write(bits >>> 24);
    }
}
