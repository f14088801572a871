package io.quantedge.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void floatTensorRoundTripsItsValuesInRowMajorOrder() {
        Tensor t = Tensor.ofFloats(Shape.of(2, 3), 1f, 2f, 3f, 4f, 5f, -6.5f);
        assertEquals(DataType.FP32, t.type());
        assertEquals(6, t.elementCount());
        assertEquals(-6.5f, t.floatAt(5));
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, -6.5f}, t.toFloatArray());
    }

    @Test
    void dataSizeMustMatchShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(Shape.of(2, 2), 1f, 2f, 3f));
        assertTrue(e.getMessage().contains("needs 16 bytes"), e.getMessage());
    }

    @Test
    void int4PacksLowNibbleFirstAndSignExtends() {
        Tensor t = Tensor.ofNibbles(DataType.INT4, Shape.of(3), -8, 7, -1);
        ByteBuffer data = t.data();
        assertEquals(2, data.remaining());
        assertEquals((byte) 0x78, data.get(0)); // -8 -> 0x8 low, 7 -> 0x7 high
        assertEquals((byte) 0x0F, data.get(1));
        assertArrayEquals(new long[] {-8, 7, -1}, t.toLongArray());
    }

    @Test
    void uint4ZeroExtendsAndRefusesOutOfRangeValues() {
        assertArrayEquals(new long[] {15, 0}, Tensor.ofNibbles(DataType.UINT4, Shape.of(2), 15, 0).toLongArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofNibbles(DataType.UINT4, Shape.of(1), 16));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofNibbles(DataType.INT4, Shape.of(1), 8));
    }

    @Test
    void unsignedBytesAreZeroExtended() {
        Tensor t = Tensor.ofBytes(DataType.UINT8, Shape.of(2), (byte) 0xFF, (byte) 0x80);
        assertArrayEquals(new long[] {255, 128}, t.toLongArray());
        Tensor s = Tensor.ofBytes(DataType.INT8, Shape.of(2), (byte) 0xFF, (byte) 0x80);
        assertArrayEquals(new long[] {-1, -128}, s.toLongArray());
    }

    @Test
    void dataIsReadOnlyAndCallerArraysAreNotShared() {
        byte[] source = {1, 2};
        Tensor t = Tensor.ofBytes(DataType.INT8, Shape.of(2), source);
        source[0] = 99;
        assertEquals(1, t.integerAt(0));
        assertThrows(ReadOnlyBufferException.class, () -> t.data().put(0, (byte) 5));
    }

    @Test
    void wrapsABufferFromItsPositionAndReadsLittleEndian() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 9, 1, 0, 0, 0, 2, 1, 0, 0});
        buffer.position(2);
        Tensor t = Tensor.of(DataType.INT32, Shape.of(2), buffer);
        assertArrayEquals(new long[] {1, 258}, t.toLongArray());
    }

    @Test
    void quantizationIsOnlyForIntegerTypesAndTakesPartInEquality() {
        Tensor q = Tensor.ofBytes(DataType.INT8, Shape.of(1), (byte) 3);
        Tensor withParams = q.withQuantization(QuantParams.perTensor(0.5f, 0));
        assertNotEquals(q, withParams);
        assertEquals(withParams, q.withQuantization(QuantParams.perTensor(0.5f, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(Shape.of(1), 1f).withQuantization(QuantParams.perTensor(1f, 0)));
    }

    @Test
    void indexOutsideTheShapeIsRefused() {
        Tensor t = Tensor.ofInts(Shape.of(2), 1, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> t.integerAt(2));
        assertThrows(UnsupportedOperationException.class, () -> t.floatAt(0));
    }
}
