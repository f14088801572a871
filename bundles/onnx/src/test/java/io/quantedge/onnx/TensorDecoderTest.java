package io.quantedge.onnx;

import static io.quantedge.onnx.OnnxWriter.dims;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TensorDecoderTest {

    private static Tensor decode(ProtoMessage tensor) throws ModelLoadException {
        return decode(ByteBuffer.wrap(tensor.toByteArray()));
    }

    private static Tensor decode(ByteBuffer bytes) throws ModelLoadException {
        return TensorFileReader.decode(bytes, null).tensor();
    }

    private static ModelLoadException refused(ProtoMessage tensor) {
        return assertThrows(ModelLoadException.class, () -> decode(tensor));
    }

    private static byte[] littleEndian(int width, long... values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> out.put((byte) v);
                case 2 -> out.putShort((short) v);
                case 4 -> out.putInt((int) v);
                default -> out.putLong(v);
            }
        }
        return out.array();
    }

    @Test
    void floatsFromRawDataAndFromFloatData() throws Exception {
        Tensor raw = decode(OnnxWriter.rawFloatTensor("w", dims(2, 2), 1f, -2f, 3.5f, 0f));
        Tensor typed = decode(OnnxWriter.floatTensor("w", dims(2, 2), 1f, -2f, 3.5f, 0f));
        assertEquals(DataType.FP32, raw.type());
        assertEquals(Shape.of(2, 2), raw.shape());
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 0f}, raw.toFloatArray());
        assertEquals(raw, typed);
    }

    @Test
    void unpackedFloatDataIsAcceptedToo() throws Exception {
        ProtoMessage tensor = OnnxWriter.tensor("f", OnnxWriter.FLOAT, 3).float32(4, 1f).float32(4, 2f).packedFloats(4, 3f);
        assertArrayEquals(new float[] {1f, 2f, 3f}, decode(tensor).toFloatArray());
    }

    @ParameterizedTest(name = "{0} in raw_data and int32_data")
    @CsvSource({
        "INT32, 6, 4, -2147483648, 7, 2147483647",
        "INT16, 5, 2, -32768, 7, 32767",
        "UINT16, 4, 2, 0, 7, 65535",
        "INT8, 3, 1, -128, 7, 127",
        "UINT8, 2, 1, 0, 7, 255",
        "BOOL, 9, 1, 0, 1, 1",
    })
    void integersFromRawDataAndFromInt32Data(DataType type, int onnxType, int width, long a, long b, long c)
            throws Exception {
        Tensor raw = decode(OnnxWriter.rawTensor("t", onnxType, dims(3), littleEndian(width, a, b, c)));
        Tensor typed = decode(OnnxWriter.tensor("t", onnxType, 3).packedVarints(5, a, b, c));
        assertEquals(type, raw.type());
        assertArrayEquals(new long[] {a, b, c}, raw.toLongArray());
        assertEquals(raw, typed);
    }

    @Test
    void int64FromRawDataAndFromInt64Data() throws Exception {
        long[] values = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        Tensor raw = decode(OnnxWriter.rawTensor("i", OnnxWriter.INT64, dims(4), littleEndian(8, values)));
        Tensor typed = decode(OnnxWriter.tensor("i", OnnxWriter.INT64, 4).packedVarints(7, values));
        assertEquals(DataType.INT64, raw.type());
        assertArrayEquals(values, raw.toLongArray());
        assertEquals(raw, typed);
    }

    @Test
    void float16BitsFromRawDataAndFromInt32Data() throws Exception {
        // 1.0, -2.0, 65504 (max half) as IEEE 754 binary16 bits.
        long[] bits = {0x3C00, 0xC000, 0x7BFF};
        Tensor raw = decode(OnnxWriter.rawTensor("h", OnnxWriter.FLOAT16, dims(3), littleEndian(2, bits)));
        Tensor typed = decode(OnnxWriter.tensor("h", OnnxWriter.FLOAT16, 3).packedVarints(5, bits));
        assertEquals(DataType.FP16, raw.type());
        assertEquals(raw, typed);
        assertEquals((short) 0xC000, raw.data().getShort(2));
    }

    @Test
    void int4IsPackedLowNibbleFirstInRawDataAndInt32Data() throws Exception {
        // -1, -8, 1, 2, 7: nibbles F,8 | 1,2 | 7,(pad 0)
        Tensor raw = decode(OnnxWriter.rawTensor("q", OnnxWriter.INT4, dims(5), new byte[] {(byte) 0x8F, 0x21, 0x07}));
        Tensor typed = decode(OnnxWriter.tensor("q", OnnxWriter.INT4, 5).packedVarints(5, 0x8F, 0x21, 0x07));
        assertEquals(DataType.INT4, raw.type());
        assertArrayEquals(new long[] {-1, -8, 1, 2, 7}, raw.toLongArray());
        assertEquals(raw, typed);
        Tensor unsigned = decode(OnnxWriter.tensor("u", OnnxWriter.UINT4, 3).packedVarints(5, 0x21, 0x0F));
        assertEquals(DataType.UINT4, unsigned.type());
        assertArrayEquals(new long[] {1, 2, 15}, unsigned.toLongArray());
    }

    @Test
    void int4DataMustHoldHalfAsManyBytesRoundedUp() {
        ModelLoadException e = refused(OnnxWriter.rawTensor("q", OnnxWriter.INT4, dims(5), new byte[2]));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("tensor 'q' declares INT4 [5] (3 bytes) but raw_data holds 2 bytes"), e.getMessage());
        assertEquals(Code.MALFORMED, refused(OnnxWriter.tensor("q", OnnxWriter.INT4, 5).packedVarints(5, 1, 2)).code());
    }

    @Test
    void scalarsAndEmptyTensors() throws Exception {
        Tensor scalar = decode(OnnxWriter.floatTensor("s", dims(), 4f));
        assertEquals(Shape.scalar(), scalar.shape());
        assertEquals(4f, scalar.floatAt(0));
        Tensor empty = decode(OnnxWriter.tensor("e", OnnxWriter.FLOAT, 3, 0));
        assertEquals(0, empty.elementCount());
        Tensor emptyRaw = decode(OnnxWriter.rawTensor("e", OnnxWriter.INT8, dims(0), new byte[0]));
        assertEquals(0, emptyRaw.elementCount());
    }

    @Test
    void largeRawDataIsAZeroCopySliceAndSmallRawDataACopy() throws Exception {
        float[] values = new float[TensorDecoder.COPY_BELOW / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        byte[] large = OnnxWriter.rawFloatTensor("big", dims(values.length), values).toByteArray();
        ByteBuffer mapped = ByteBuffer.allocateDirect(large.length).put(large).flip();
        Tensor big = decode(mapped);
        assertTrue(big.data().isDirect(), "a large tensor should view the source buffer");
        assertEquals(255f, big.floatAt(255));

        byte[] small = OnnxWriter.rawFloatTensor("small", dims(2), 1f, 2f).toByteArray();
        Tensor copy = decode(ByteBuffer.allocateDirect(small.length).put(small).flip());
        assertFalse(copy.data().isDirect(), "a small tensor should be copied");
    }

    @ParameterizedTest(name = "type {0} is refused as {1}")
    @CsvSource({"11, DOUBLE", "8, STRING", "12, UINT32", "13, UINT64", "14, COMPLEX64", "16, BFLOAT16",
        "17, FLOAT8E4M3FN", "23, FLOAT4E2M1", "99, code 99"})
    void unsupportedTypesAreRefusedByName(int onnxType, String name) {
        ModelLoadException e = refused(OnnxWriter.rawTensor("d", onnxType, dims(1), new byte[8]));
        assertEquals(Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("tensor 'd'") && e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void aTensorWithoutATypeIsMalformed() {
        ProtoMessage tensor = new ProtoMessage().varint(1, 1).string(8, "t").bytes(9, new byte[4]);
        assertEquals(Code.MALFORMED, refused(tensor).code());
    }

    @Test
    void dataSizeMustMatchTheDims() {
        ModelLoadException raw = refused(OnnxWriter.rawTensor("w", OnnxWriter.FLOAT, dims(2, 3), new byte[20]));
        assertEquals(Code.MALFORMED, raw.code());
        assertTrue(raw.getMessage().contains("tensor 'w' declares FP32 [2, 3] (24 bytes) but raw_data holds 20 bytes"),
                raw.getMessage());
        ModelLoadException typed = refused(OnnxWriter.floatTensor("w", dims(2, 3), 1f, 2f));
        assertEquals(Code.MALFORMED, typed.code());
        assertTrue(typed.getMessage().contains("needs 6 entries in float_data, but it holds 2"), typed.getMessage());
        ModelLoadException none = refused(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 2));
        assertEquals(Code.MALFORMED, none.code());
        assertTrue(none.getMessage().contains("holds no data"), none.getMessage());
    }

    @Test
    void absurdDimsAreRefusedBeforeAllocating() {
        ModelLoadException negative = refused(OnnxWriter.rawTensor("n", OnnxWriter.FLOAT, dims(2, -3), new byte[0]));
        assertEquals(Code.MALFORMED, negative.code());
        assertTrue(negative.getMessage().contains("negative dimension -3"), negative.getMessage());

        assertEquals(Code.TOO_LARGE, refused(OnnxWriter.rawTensor("h", OnnxWriter.FLOAT, dims(1L << 40, 1L << 40), new byte[4])).code());
        assertEquals(Code.TOO_LARGE, refused(OnnxWriter.rawTensor("h", OnnxWriter.FLOAT, dims(1L << 31), new byte[4])).code());
        assertEquals(Code.TOO_LARGE, refused(OnnxWriter.rawTensor("h", OnnxWriter.FLOAT,
                dims(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), new byte[4])).code());
        // 10 GB declared in a file of a few dozen bytes.
        ModelLoadException huge = refused(OnnxWriter.rawTensor("g", OnnxWriter.UINT8, dims(100_000, 100_000), new byte[4]));
        assertEquals(Code.TOO_LARGE, huge.code());
        // 1 GB: a ByteBuffer could hold it, the file cannot.
        ModelLoadException file = refused(OnnxWriter.rawTensor("g", OnnxWriter.UINT8, dims(1 << 30), new byte[4]));
        assertEquals(Code.TOO_LARGE, file.code());
        assertTrue(file.getMessage().contains("but the whole file is"), file.getMessage());
        assertEquals(Code.TOO_LARGE, refused(OnnxWriter.tensor("g", OnnxWriter.INT64, 1 << 26).packedVarints(7, 1)).code());
    }

    @Test
    void valuesOutsideTheirTypeAreMalformed() {
        ModelLoadException e = refused(OnnxWriter.tensor("b", OnnxWriter.INT8, 2).packedVarints(5, 1, 200));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("holds 200 at index 1 of int32_data, outside [-128, 127]"), e.getMessage());
        assertEquals(Code.MALFORMED, refused(OnnxWriter.tensor("b", OnnxWriter.BOOL, 1).packedVarints(5, 2)).code());
        assertEquals(Code.MALFORMED, refused(OnnxWriter.tensor("b", OnnxWriter.UINT8, 1).packedVarints(5, -1)).code());
    }

    @Test
    void dataInTwoPlacesOrTheWrongFieldIsMalformed() {
        ModelLoadException both = refused(OnnxWriter.rawFloatTensor("w", dims(1), 1f).packedFloats(4, 1f));
        assertEquals(Code.MALFORMED, both.code());
        assertTrue(both.getMessage().contains("holds both float_data and raw_data"), both.getMessage());
        ModelLoadException wrong = refused(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 1).packedVarints(7, 1));
        assertEquals(Code.MALFORMED, wrong.code());
        assertTrue(wrong.getMessage().contains("holds int64_data, which ONNX does not allow"), wrong.getMessage());
        assertEquals(Code.MALFORMED, refused(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 1).fixed64(10, 1)).code());
        assertEquals(Code.MALFORMED, refused(OnnxWriter.tensor("w", OnnxWriter.FLOAT, 1).string(6, "x")).code());
    }

    @Test
    void segmentedTensorsAreUnsupported() {
        ProtoMessage segmented = OnnxWriter.floatTensor("s", dims(1), 1f)
                .message(3, new ProtoMessage().varint(1, 0).varint(2, 1));
        ModelLoadException e = refused(segmented);
        assertEquals(Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("tensor 's' is stored in segments"), e.getMessage());
    }

    @Test
    void unnamedTensorsAreNamedByTheirOffset() {
        ProtoMessage tensor = new ProtoMessage().varint(1, 2).varint(2, OnnxWriter.FLOAT).bytes(9, new byte[4]);
        assertTrue(refused(tensor).getMessage().contains("unnamed tensor at byte 0"));
    }

    @Test
    void externalDataWithoutAModelFolderIsUnsupported() {
        ProtoMessage external = OnnxWriter.tensor("e", OnnxWriter.FLOAT, 1)
                .message(13, OnnxWriter.entry("location", "w.bin")).varint(14, 1);
        assertEquals(Code.UNSUPPORTED, refused(external).code());
    }

    @Test
    void everyMappedTypeCodeMatchesItsPlaceInTheEnum() {
        for (OnnxDataType type : OnnxDataType.values()) {
            assertEquals(type.ordinal(), type.code(), type.name());
        }
    }
}
