package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * 4-bit block-quantized weights kept in MatMulNBits' own layout (copied): for each of the N output
 * columns, {@code blocks} runs of {@code blockSize / 2} bytes of nibbles, low nibble first; one
 * scale per column and block; zero points null (all 8) or packed two per byte, each column's run
 * padded to a whole byte. Logically the K x N matrix W^T.
 */
record BlockwiseInt4Matrix(byte[] quantized, float[] scales, byte[] zeroPoints, int rows, int columns,
                           int blockSize) implements PackedMatrix {

    static final int DEFAULT_ZERO_POINT = 8;

    int blocks() {
        return blocksPerColumn(rows, blockSize);
    }

    int bytesPerColumn() {
        return blocks() * blockSize / 2;
    }

    int zeroPointBytesPerColumn() {
        return (blocks() + 1) / 2;
    }

    @Override
    public long bytes() {
        return quantized.length + (long) Float.BYTES * scales.length + (zeroPoints == null ? 0 : zeroPoints.length);
    }

    static int blocksPerColumn(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    /** The 4-bit value at {@code index} of the nibbles starting at {@code byteOffset}, low nibble first. */
    static int nibble(byte[] packed, int byteOffset, int index) {
        int twoValues = packed[byteOffset + (index >> 1)];
        return (index & 1) == 0 ? twoValues & 0x0F : (twoValues >> 4) & 0x0F;
    }
}
