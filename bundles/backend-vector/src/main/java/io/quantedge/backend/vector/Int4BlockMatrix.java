package io.quantedge.backend.vector;

import io.quantedge.api.kernel.PackedMatrix;

/**
 * 4-bit block-quantized weights rearranged for vector loads, still two per byte: for output column
 * j and block b, the block's {@code blockSize / 2} bytes start at {@code (j * blocks + b) * blockSize / 2},
 * and byte t holds the block's value t in its low nibble and value {@code t + blockSize / 2} in its
 * high nibble. So the low nibbles of consecutive bytes are consecutive values of the first half of
 * the block, the high nibbles those of the second half: a byte vector splits into two runs of
 * weights with a mask and a shift. Padding past K is 0. Scales and zero points (one byte each,
 * 0..15) are per column and block, {@code j * blocks + b}. Logically the K x N matrix W^T.
 */
record Int4BlockMatrix(byte[] nibbles, float[] scales, byte[] zeroPoints, int rows, int columns, int blockSize)
        implements PackedMatrix {

    int blocks() {
        return (rows + blockSize - 1) / blockSize;
    }

    /** K rounded up to whole blocks. */
    int paddedRows() {
        return blocks() * blockSize;
    }

    @Override
    public long bytes() {
        return nibbles.length + (long) Float.BYTES * scales.length + zeroPoints.length;
    }
}
