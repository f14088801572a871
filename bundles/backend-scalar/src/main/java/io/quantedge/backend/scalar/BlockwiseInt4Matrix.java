package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.KernelArguments;
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

    /** Checks MatMulNBits' arguments against each other and copies them. */
    static BlockwiseInt4Matrix copyOf(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n,
                                      int blockSize) {
        KernelArguments.requireBlockwiseInt4(quantized, scales, zeroPoints, k, n, blockSize);
        return new BlockwiseInt4Matrix(quantized.clone(), scales.clone(),
                zeroPoints == null ? null : zeroPoints.clone(), k, n, blockSize);
    }

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

    /** Checks a product's operands against these weights, and returns them. */
    static BlockwiseInt4Matrix requireOperands(PackedMatrix w, int m, int n, int k, float[] a, int aOffset, int lda,
                                               float[] c, int cOffset, int ldc) {
        if (!(w instanceof BlockwiseInt4Matrix weights)) {
            throw KernelArguments.foreignPacking("W", w, BlockwiseInt4Matrix.class.getSimpleName(), "scalar");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("W", weights.rows(), weights.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        return weights;
    }

    /** The zero point of column j's block. */
    int zeroPoint(int j, int block) {
        return zeroPoints == null ? DEFAULT_ZERO_POINT : nibble(zeroPoints, j * zeroPointBytesPerColumn(), block);
    }

    /** The 4-bit value at {@code index} of the nibbles starting at {@code byteOffset}, low nibble first. */
    static int nibble(byte[] packed, int byteOffset, int index) {
        int twoValues = packed[byteOffset + (index >> 1)];
        return (index & 1) == 0 ? twoValues & 0x0F : (twoValues >> 4) & 0x0F;
    }
}
