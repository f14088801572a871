package io.quantedge.api.kernel;

import java.util.Objects;

/**
 * The argument checks a kernel makes before its loops, shared so every backend (ours and third
 * parties') refuses the same bad calls with the same messages, as the conformance kit expects.
 * A row-major matrix of {@code rows x columns} at {@code offset} with leading dimension {@code ld}
 * must lie inside its array. Checking up front means a bad call fails naming the operand, with
 * nothing written, and lets the loops (or native code indexing raw memory) trust their indices.
 *
 * @since 1.2
 */
public final class KernelArguments {

    private KernelArguments() {
    }

    /** Refuses a negative {@code m}, {@code n} or {@code k}. */
    public static void requireDimensions(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative dimension: m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** Refuses a matrix that does not lie inside an array of {@code arrayLength} elements. */
    public static void requireInside(String operand, int arrayLength, int offset, int ld, int rows, int columns) {
        if (offset < 0) {
            throw new IllegalArgumentException(operand + ": negative offset " + offset);
        }
        if (rows > 1 && ld < columns) {
            throw new IllegalArgumentException(operand + ": leading dimension " + ld + " is less than its "
                    + columns + " columns");
        }
        if (rows == 0 || columns == 0) {
            return;
        }
        long end = offset + (long) (rows - 1) * ld + columns;
        if (end > arrayLength) {
            throw new IllegalArgumentException(operand + ": " + rows + " x " + columns + " at offset " + offset
                    + " with leading dimension " + ld + " needs " + end + " elements, the array has " + arrayLength);
        }
    }

    /** Refuses a packed operand whose shape is not the one the product needs. */
    public static void requireShape(String operand, int rows, int columns, int expectedRows, int expectedColumns) {
        if (rows != expectedRows || columns != expectedColumns) {
            throw new IllegalArgumentException(operand + " was packed as " + rows + " x " + columns
                    + ", the product needs " + expectedRows + " x " + expectedColumns);
        }
    }

    /** Refuses B's zero points unless there is one for all {@code columns} or one per column. */
    public static void requireZeroPoints(int[] zeroPoints, int columns) {
        Objects.requireNonNull(zeroPoints, "zeroPoints: give one for all columns or one per column");
        if (zeroPoints.length != 1 && zeroPoints.length != columns) {
            throw new IllegalArgumentException("B has " + columns + " columns but " + zeroPoints.length
                    + " zero points: give one for all columns or one per column");
        }
    }

    /**
     * Refuses requantization multipliers unless there is one for all {@code columns} or one per
     * column, and a bias unless it is absent or has one entry per column.
     */
    public static void requireRequantization(float[] multiplier, int[] bias, int columns) {
        if (multiplier.length != 1 && multiplier.length != columns) {
            throw new IllegalArgumentException(columns + " columns but " + multiplier.length
                    + " multipliers: give one for all columns or one per column");
        }
        if (bias != null && bias.length != columns) {
            throw new IllegalArgumentException(columns + " columns but " + bias.length
                    + " biases: give one per column");
        }
    }

    /**
     * The error for a packed operand made by another backend (or of another kind): packed layouts
     * are private to the kernel that made them.
     */
    /**
     * Refuses MatMulNBits weights whose parts do not fit together (see {@link BlockwiseInt4Kernel}):
     * K and N positive, a block size that is a power of two from 16, and exactly as many weight
     * bytes, scales and zero-point bytes as K, N and the block size call for.
     *
     * @since 1.3
     */
    public static void requireBlockwiseInt4(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n,
                                            int blockSize) {
        Objects.requireNonNull(quantized, "quantized");
        Objects.requireNonNull(scales, "scales");
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("K and N must be positive, got K=" + k + ", N=" + n);
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a power of two >= 16");
        }
        long blocks = (k + (long) blockSize - 1) / blockSize;
        requireLength("quantized weights", quantized.length, n * blocks * (blockSize / 2),
                "N * ceil(K / blockSize) * blockSize / 2 bytes");
        requireLength("scales", scales.length, n * blocks, "N * ceil(K / blockSize)");
        if (zeroPoints != null) {
            requireLength("zero points", zeroPoints.length, n * ((blocks + 1) / 2),
                    "N * ceil(ceil(K / blockSize) / 2) bytes, or none for the default 8");
        }
    }

    private static void requireLength(String what, int actual, long expected, String rule) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + ": " + actual + " given, " + expected + " expected (" + rule
                    + ")");
        }
    }

    public static IllegalArgumentException foreignPacking(String operand, Object packed, String expected,
                                                          String backend) {
        return new IllegalArgumentException(operand + " is " + (packed == null ? "null" : "a "
                + packed.getClass().getName()) + ", not a " + expected + ": pack it with the " + backend
                + " backend's own kernel");
    }
}
