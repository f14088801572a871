package io.quantedge.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DataTypeTest {

    @Test
    void saturationBoundsFollowTheQuantizationSpec() {
        assertEquals(-128, DataType.INT8.minValue());
        assertEquals(127, DataType.INT8.maxValue());
        assertEquals(0, DataType.UINT8.minValue());
        assertEquals(255, DataType.UINT8.maxValue());
        assertEquals(-8, DataType.INT4.minValue());
        assertEquals(7, DataType.INT4.maxValue());
        assertEquals(15, DataType.UINT4.maxValue());
        assertEquals(65535, DataType.UINT16.maxValue());
        assertEquals(Integer.MIN_VALUE, DataType.INT32.minValue());
        assertThrows(UnsupportedOperationException.class, DataType.FP32::maxValue);
    }

    @Test
    void subByteTypesRoundStorageUp() {
        assertEquals(0, DataType.INT4.byteSize(0));
        assertEquals(1, DataType.INT4.byteSize(1));
        assertEquals(2, DataType.UINT4.byteSize(3));
        assertEquals(12, DataType.FP32.byteSize(3));
        assertEquals(24, DataType.INT64.byteSize(3));
    }

    @Test
    void hugeElementCountsOverflowLoudly() {
        assertThrows(ArithmeticException.class, () -> DataType.INT64.byteSize(Long.MAX_VALUE / 8));
    }
}
