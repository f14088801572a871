package io.quantedge.backend.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.kernel.PackedMatrix;
import org.junit.jupiter.api.Test;

/** Hand-worked cases of the int8-activation contract; the conformance kit covers the shapes. */
class ScalarInt4Int8BlockwiseTest {

    private final ScalarInt4Int8Blockwise kernel = new ScalarInt4Int8Blockwise();

    @Test
    void quantizesEachBlockSymmetricallyRoundingTiesToEven() {
        float[] row = new float[20];
        row[0] = 127f;
        row[1] = 2.5f;
        row[2] = -3.5f;
        row[3] = 0.5f;
        row[4] = -126.5f;
        row[16] = -0.25f; // second block: amax 0.25, so -0.25 -> -127 and 0.125 -> 63.5 -> 64
        row[17] = 0.125f;
        byte[] levels = new byte[20];
        float[] scales = new float[2];
        ScalarInt4Int8Blockwise.quantizeRow(row, 0, 20, 16, levels, scales);
        assertArrayEquals(new float[] {1f, 0.25f / 127f}, scales);
        assertArrayEquals(new byte[] {127, 2, -4, 0, -126, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -127, 64, 0, 0}, levels);
    }

    @Test
    void multipliesQuantizedBlocksWithTheirScales() {
        // K = 16, one block, N = 1; weights q = 9 in every position with zero point 8 (level 1), scale 0.5.
        byte[] weights = new byte[8];
        java.util.Arrays.fill(weights, (byte) 0x99);
        PackedMatrix packed = kernel.pack(weights, new float[] {0.5f}, null, 16, 1, 16);
        float[] a = new float[16];
        a[0] = 127f;
        a[5] = 1.5f; // level 2 after rounding half to even
        a[9] = -10.2f; // level -10
        float[] c = new float[1];
        kernel.matmul(1, 1, 16, a, 0, 16, packed, c, 0, 1);
        // sum of levels 127 + 2 - 10 = 119, times 0.5 (weights) times 1 (activations).
        assertEquals(59.5f, c[0]);
    }
}
