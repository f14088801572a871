package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one protobuf message held in a byte buffer, reading the wire format: varints,
 * fixed 32- and 64-bit values, length-delimited fields and (to skip them) groups. Every length is
 * checked against the bytes left in the enclosing message before anything is sliced or allocated,
 * and message nesting is limited, so a hostile file cannot make the reader allocate or recurse
 * without bound. Positions are absolute indexes into the buffer, which for a mapped model file are
 * file offsets, so every error names the byte where it happened.
 */
final class ProtobufReader {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int SGROUP = 3;
    static final int EGROUP = 4;
    static final int I32 = 5;

    /** As deep as Google's own parsers allow; ONNX models need far less, even with subgraphs. */
    static final int MAX_DEPTH = 100;

    private static final String[] WIRE_TYPE_NAMES = {"varint", "64-bit", "length-delimited", "group start", "group end", "32-bit"};

    private final ByteBuffer buffer;
    private final int start;
    private final int limit;
    private final int depth;
    private final ProtobufReader parent;
    private final String message;
    private int position;
    private int tagPosition;

    private ProtobufReader(ByteBuffer buffer, int start, int limit, int depth, ProtobufReader parent, String message) {
        this.buffer = buffer;
        this.start = start;
        this.limit = limit;
        this.depth = depth;
        this.parent = parent;
        this.message = message;
        this.position = start;
        this.tagPosition = start;
    }

    /** A reader over the bytes of {@code buffer} from its position to its limit, as message {@code message}. */
    static ProtobufReader of(ByteBuffer buffer, String message) {
        ByteBuffer littleEndian = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new ProtobufReader(littleEndian, buffer.position(), buffer.limit(), 0, null, message);
    }

    /** A new reader over the same message, from its first byte: for a second pass. */
    ProtobufReader restarted() {
        return new ProtobufReader(buffer, start, limit, depth, parent, message);
    }

    boolean hasRemaining() {
        return position < limit;
    }

    /** Absolute position of the next byte to read. */
    int position() {
        return position;
    }

    /** Bytes left in this message. */
    int remaining() {
        return limit - position;
    }

    /** Absolute position of the first byte of this message. */
    int start() {
        return start;
    }

    /** Absolute position of the last tag read. */
    int tagPosition() {
        return tagPosition;
    }

    /** Bytes in the whole underlying buffer: the size of the file being read. */
    int sourceSize() {
        return buffer.capacity();
    }

    /** Reads a field's key; the result holds the field number and the wire type. */
    int readTag() throws ModelLoadException {
        tagPosition = position;
        long tag = readVarint();
        if (tag < 0 || tag > 0xFFFF_FFFFL) {
            throw malformedAt(tagPosition, "field key " + Long.toUnsignedString(tag) + " does not fit 32 bits");
        }
        if (tag >>> 3 == 0) {
            throw malformedAt(tagPosition, "field number 0 is not allowed");
        }
        int wireType = (int) tag & 7;
        if (wireType > I32) {
            throw malformedAt(tagPosition, "invalid wire type " + wireType);
        }
        return (int) tag;
    }

    static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    /** A varint of up to 10 bytes; the 10th may only carry the 64th bit. */
    long readVarint() throws ModelLoadException {
        int first = position;
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (position >= limit) {
                throw malformedAt(first, "truncated varint");
            }
            int b = buffer.get(position++) & 0xFF;
            if (shift == 63 && b > 1) {
                throw malformedAt(first, "varint longer than 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return result;
            }
        }
    }

    int readFixed32() throws ModelLoadException {
        require(4, "32-bit value");
        int value = buffer.getInt(position);
        position += 4;
        return value;
    }

    long readFixed64() throws ModelLoadException {
        require(8, "64-bit value");
        long value = buffer.getLong(position);
        position += 8;
        return value;
    }

    /** The length prefix of a length-delimited field, checked against the bytes left in this message. */
    int readLength() throws ModelLoadException {
        int at = position;
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw malformedAt(at, "length " + Long.toUnsignedString(length) + " exceeds the "
                    + (limit - position) + " bytes left in the message");
        }
        return (int) length;
    }

    /** A length-delimited field as a read-only, little-endian slice of the buffer: no copy. */
    ByteBuffer readBytes() throws ModelLoadException {
        int length = readLength();
        ByteBuffer slice = buffer.slice(position, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        position += length;
        return slice;
    }

    /** A length-delimited field as UTF-8 text; invalid UTF-8 is malformed, not silently replaced. */
    String readString() throws ModelLoadException {
        int at = position;
        ByteBuffer bytes = readBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformedAt(at, "string is not valid UTF-8");
        }
    }

    /** A length-delimited field read as an embedded message named {@code name}, one level deeper. */
    ProtobufReader readMessage(String name) throws ModelLoadException {
        int at = position;
        int length = readLength();
        if (depth + 1 > MAX_DEPTH) {
            throw malformedAt(at, "messages nested deeper than " + MAX_DEPTH + " levels");
        }
        ProtobufReader child = new ProtobufReader(buffer, position, position + length, depth + 1, this, name);
        position += length;
        return child;
    }

    /** A packed run of scalars as a reader over its bytes, at the same depth (scalars do not nest). */
    ProtobufReader readPacked() throws ModelLoadException {
        int length = readLength();
        ProtobufReader run = new ProtobufReader(buffer, position, position + length, depth, parent, message);
        position += length;
        return run;
    }

    /** Skips the value of the field whose key was just read, whatever its wire type. */
    void skipField(int tag) throws ModelLoadException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case I64 -> skip(8, "64-bit value");
            case LEN -> {
                // Not "position += readLength()": Java would add to the position from before the length.
                int length = readLength();
                position += length;
            }
            case I32 -> skip(4, "32-bit value");
            case SGROUP -> skipGroup(fieldNumber(tag), 1);
            case EGROUP -> throw malformedAt(tagPosition, "group end without a group start");
            default -> throw malformedAt(tagPosition, "invalid wire type " + wireType(tag));
        }
    }

    private void skipGroup(int field, int nesting) throws ModelLoadException {
        if (depth + nesting > MAX_DEPTH) {
            throw malformedAt(tagPosition, "groups nested deeper than " + MAX_DEPTH + " levels");
        }
        while (true) {
            if (!hasRemaining()) {
                throw malformedAt(position, "group " + field + " is not closed");
            }
            int tag = readTag();
            int wireType = wireType(tag);
            if (wireType == EGROUP) {
                if (fieldNumber(tag) != field) {
                    throw malformedAt(tagPosition, "group " + field + " closed as group " + fieldNumber(tag));
                }
                return;
            }
            if (wireType == SGROUP) {
                skipGroup(fieldNumber(tag), nesting + 1);
            } else {
                skipField(tag);
            }
        }
    }

    /** Fails unless the field whose key was just read has {@code wireType}: a known field of the wrong type is malformed. */
    void expect(int tag, int wireType, String field) throws ModelLoadException {
        if (wireType(tag) != wireType) {
            throw malformedAt(tagPosition, field + " has wire type " + wireTypeName(wireType(tag))
                    + ", expected " + wireTypeName(wireType));
        }
    }

    static String wireTypeName(int wireType) {
        return wireType >= 0 && wireType < WIRE_TYPE_NAMES.length ? WIRE_TYPE_NAMES[wireType] : "invalid (" + wireType + ")";
    }

    /** A MALFORMED error at {@code offset}, naming the message path that was being read. */
    ModelLoadException malformedAt(int offset, String problem) {
        return new ModelLoadException(Code.MALFORMED, problem + " at byte " + offset + " (in " + path() + ")");
    }

    /** Where this message sits, such as "ModelProto.graph.node.attribute". */
    String path() {
        StringBuilder text = new StringBuilder();
        appendPath(text);
        return text.toString();
    }

    private void appendPath(StringBuilder text) {
        if (parent != null) {
            parent.appendPath(text);
            text.append('.');
        }
        text.append(message);
    }

    private void require(int bytes, String what) throws ModelLoadException {
        if (limit - position < bytes) {
            throw malformedAt(position, "truncated " + what);
        }
    }

    private void skip(int bytes, String what) throws ModelLoadException {
        require(bytes, what);
        position += bytes;
    }
}
