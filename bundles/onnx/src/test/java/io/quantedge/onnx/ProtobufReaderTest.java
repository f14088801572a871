package io.quantedge.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtobufReaderTest {

    private static ProtobufReader reader(byte... bytes) {
        return ProtobufReader.of(ByteBuffer.wrap(bytes), "Test");
    }

    private static ProtobufReader reader(ProtoMessage message) {
        return ProtobufReader.of(ByteBuffer.wrap(message.toByteArray()), "Test");
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 300, 16_383, 16_384, Integer.MAX_VALUE, 1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE, -150})
    void varintsRoundTrip(long value) throws Exception {
        ProtobufReader reader = reader(ProtoMessage.varint(value));
        assertEquals(value, reader.readVarint());
        assertFalse(reader.hasRemaining());
    }

    @Test
    void negativeNumbersAreTenByteVarints() throws Exception {
        assertEquals(10, ProtoMessage.varint(-1).length);
        assertEquals(-1, reader(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)).readVarint());
        assertEquals(Long.MIN_VALUE, reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).readVarint());
    }

    @Test
    void varintsBeyondSixtyFourBitsAreMalformed() {
        ModelLoadException tenth = assertThrows(ModelLoadException.class,
                () -> reader(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02)).readVarint());
        assertEquals(Code.MALFORMED, tenth.code());
        assertTrue(tenth.getMessage().contains("longer than 64 bits"), tenth.getMessage());
        ModelLoadException eleventh = assertThrows(ModelLoadException.class,
                () -> reader(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x01)).readVarint());
        assertEquals(Code.MALFORMED, eleventh.code());
    }

    @Test
    void truncatedVarintNamesItsOffset() {
        ProtobufReader reader = reader(bytes(0x08, 0x96));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            reader.readTag();
            reader.readVarint();
        });
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("truncated varint at byte 1 (in Test)"), e.getMessage());
    }

    @Test
    void fixedWidthValuesAreLittleEndian() throws Exception {
        ProtobufReader reader = reader(bytes(0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0, 0, 0, 0, 0x80));
        assertEquals(0x12345678, reader.readFixed32());
        assertEquals(0x8000_0000_0000_0001L, reader.readFixed64());
        assertThrows(ModelLoadException.class, () -> reader(bytes(1, 2, 3)).readFixed32());
        assertThrows(ModelLoadException.class, () -> reader(bytes(1, 2, 3, 4, 5, 6, 7)).readFixed64());
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws Exception {
        ProtoMessage message = new ProtoMessage()
                .varint(100, -5)
                .fixed64(101, 42)
                .bytes(102, new byte[300])
                .group(103, new ProtoMessage().varint(1, 1).group(2, new ProtoMessage().fixed32(3, 7)).string(4, "x"))
                .fixed32(104, 9)
                .string(1, "kept");
        ProtobufReader reader = reader(message);
        String kept = null;
        int skipped = 0;
        while (reader.hasRemaining()) {
            int tag = reader.readTag();
            if (ProtobufReader.fieldNumber(tag) == 1) {
                kept = reader.readString();
            } else {
                reader.skipField(tag);
                skipped++;
            }
        }
        assertEquals("kept", kept);
        assertEquals(5, skipped);
    }

    @Test
    void badGroupsAreMalformed() throws Exception {
        // Group 5 opened, closed as group 6.
        ProtobufReader mismatched = reader(bytes(5 << 3 | 3, 6 << 3 | 4));
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> mismatched.skipField(mismatched.readTag())).code());
        ProtobufReader unclosed = reader(bytes(5 << 3 | 3, 1 << 3, 1));
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> unclosed.skipField(unclosed.readTag())).code());
        ProtobufReader endOnly = reader(bytes(5 << 3 | 4));
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> endOnly.skipField(endOnly.readTag())).code());
    }

    @Test
    void deeplyNestedGroupsAreRefusedWithoutOverflowingTheStack() {
        int levels = 10_000;
        byte[] bytes = new byte[levels * 2];
        for (int i = 0; i < levels; i++) {
            bytes[i] = 1 << 3 | 3;
            bytes[levels * 2 - 1 - i] = 1 << 3 | 4;
        }
        ProtobufReader reader = reader(bytes);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.skipField(reader.readTag()));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7})
    void invalidWireTypesAreMalformed(int wireType) {
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> reader(bytes(1 << 3 | wireType, 0)).readTag()).code());
    }

    @Test
    void fieldNumberZeroIsMalformed() {
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class, () -> reader(bytes(0x00, 0x01)).readTag()).code());
    }

    @Test
    void lengthsAreCheckedAgainstTheBytesLeftBeforeAnythingIsAllocated() {
        // Field 1, length 2^62, then 3 bytes.
        byte[] bytes = new byte[1 + 9 + 3];
        bytes[0] = 1 << 3 | 2;
        System.arraycopy(ProtoMessage.varint(1L << 62), 0, bytes, 1, 9);
        ProtobufReader reader = reader(bytes);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            reader.readTag();
            reader.readBytes();
        });
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("exceeds the 3 bytes left"), e.getMessage());
    }

    @Test
    void anEmbeddedMessageCannotReachPastItsParent() throws Exception {
        // Outer message of 3 bytes holds a field claiming 5 bytes; the bytes exist after the parent.
        byte[] bytes = bytes(1 << 3 | 2, 3, 2 << 3 | 2, 5, 0, 9, 9, 9, 9, 9);
        ProtobufReader outer = reader(bytes);
        outer.readTag();
        ProtobufReader inner = outer.readMessage("inner");
        inner.readTag();
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class, inner::readBytes).code());
    }

    @Test
    void nestingDepthIsLimited() throws Exception {
        ProtoMessage message = new ProtoMessage().varint(1, 1);
        for (int i = 0; i < ProtobufReader.MAX_DEPTH + 1; i++) {
            message = new ProtoMessage().message(1, message);
        }
        ProtobufReader reader = reader(message);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            ProtobufReader current = reader;
            while (true) {
                current.readTag();
                current = current.readMessage("m");
            }
        });
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("nested deeper than 100"), e.getMessage());
    }

    @Test
    void stringsMustBeUtf8() throws Exception {
        ProtobufReader good = reader(new ProtoMessage().string(1, "Grüße ✓"));
        good.readTag();
        assertEquals("Grüße ✓", good.readString());
        ProtobufReader bad = reader(new ProtoMessage().bytes(1, new byte[] {'a', (byte) 0xC3, 'b'}));
        bad.readTag();
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class, bad::readString).code());
    }

    @Test
    void bytesAreSlicesNotCopies() throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(new ProtoMessage().bytes(1, "abc".getBytes(StandardCharsets.US_ASCII)).toByteArray()).flip();
        ProtobufReader reader = ProtobufReader.of(direct, "Test");
        reader.readTag();
        ByteBuffer slice = reader.readBytes();
        assertTrue(slice.isDirect());
        assertTrue(slice.isReadOnly());
        assertEquals(3, slice.remaining());
    }

    @Test
    void aKnownFieldWithTheWrongWireTypeIsMalformed() throws Exception {
        ProtobufReader reader = reader(new ProtoMessage().fixed64(2, 7));
        int tag = reader.readTag();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> reader.expect(tag, ProtobufReader.VARINT, "TensorProto.data_type"));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("TensorProto.data_type has wire type 64-bit, expected varint at byte 0"),
                e.getMessage());
    }

    @Test
    void repeatedScalarsArePackedUnpackedOrMixed() throws Exception {
        ProtoMessage message = new ProtoMessage()
                .varint(1, 3)
                .packedVarints(1, 1, -2, 300)
                .varint(1, 7)
                .float32(2, 1.5f)
                .packedFloats(2, 2.5f, -3f)
                .packedVarints(1);
        LongArrayBuilder ints = new LongArrayBuilder();
        LongArrayBuilder floats = new LongArrayBuilder();
        long intCount = 0;
        long floatCount = 0;
        ProtobufReader counting = reader(message);
        while (counting.hasRemaining()) {
            int tag = counting.readTag();
            if (ProtobufReader.fieldNumber(tag) == 1) {
                intCount += RepeatedScalars.count(counting, tag, RepeatedScalars.Encoding.VARINT, "ints");
            } else {
                floatCount += RepeatedScalars.count(counting, tag, RepeatedScalars.Encoding.FIXED32, "floats");
            }
        }
        ProtobufReader reading = counting.restarted();
        while (reading.hasRemaining()) {
            int tag = reading.readTag();
            if (ProtobufReader.fieldNumber(tag) == 1) {
                RepeatedScalars.readInto(reading, tag, RepeatedScalars.Encoding.VARINT, "ints", ints);
            } else {
                RepeatedScalars.readInto(reading, tag, RepeatedScalars.Encoding.FIXED32, "floats", floats);
            }
        }
        assertEquals(5, intCount);
        assertEquals(3, floatCount);
        assertArrayEquals(new long[] {3, 1, -2, 300, 7}, ints.toArray());
        long[] bits = floats.toArray();
        assertEquals(1.5f, Float.intBitsToFloat((int) bits[0]));
        assertEquals(2.5f, Float.intBitsToFloat((int) bits[1]));
        assertEquals(-3f, Float.intBitsToFloat((int) bits[2]));
    }

    @Test
    void repeatedScalarsRefuseWrongWireTypesAndRaggedPackedRuns() throws Exception {
        ProtobufReader wrongType = reader(new ProtoMessage().fixed64(1, 1));
        int tag = wrongType.readTag();
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> RepeatedScalars.count(wrongType, tag, RepeatedScalars.Encoding.VARINT, "dims")).code());

        ProtobufReader ragged = reader(new ProtoMessage().bytes(4, new byte[7]));
        int raggedTag = ragged.readTag();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> RepeatedScalars.count(ragged, raggedTag, RepeatedScalars.Encoding.FIXED32, "float_data"));
        assertTrue(e.getMessage().contains("not a multiple of 4"), e.getMessage());

        ProtobufReader truncatedRun = reader(new ProtoMessage().bytes(1, new byte[] {1, (byte) 0x80}));
        int runTag = truncatedRun.readTag();
        assertEquals(Code.MALFORMED, assertThrows(ModelLoadException.class,
                () -> RepeatedScalars.count(truncatedRun, runTag, RepeatedScalars.Encoding.VARINT, "dims")).code());
    }
}
