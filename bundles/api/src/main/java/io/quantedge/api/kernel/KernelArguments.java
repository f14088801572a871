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
        requireRequantizationCounts(multiplier, bias, columns, "column");
    }

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

    /**
     * The error for a packed operand made by another backend (or of another kind): packed layouts
     * are private to the kernel that made them.
     */
    public static IllegalArgumentException foreignPacking(String operand, Object packed, String expected,
                                                          String backend) {
        return new IllegalArgumentException(operand + " is " + (packed == null ? "null" : "a "
                + packed.getClass().getName()) + ", not a " + expected + ": pack it with the " + backend
                + " backend's own kernel");
    }

    /**
     * Refuses filters to pack for {@link Int8DepthwiseConvKernel}: a negative channel count, fewer
     * than one tap, filters that do not lie inside their array, zero points that are not one for all
     * channels or one per channel, or a zero point that is not a value of the filters' type.
     *
     * @since 1.4
     */
    public static void requireFilters(int filtersLength, int offset, int channels, int taps, boolean signed,
                                      int[] zeroPoints) {
        if (channels < 0 || taps < 1) {
            throw new IllegalArgumentException("filters: " + channels + " channels of " + taps
                    + " taps; channels must not be negative and taps at least 1");
        }
        requireInside("filters", filtersLength, offset, taps, channels, taps);
        Objects.requireNonNull(zeroPoints, "zeroPoints: give one for all channels or one per channel");
        if (zeroPoints.length != 1 && zeroPoints.length != channels) {
            throw new IllegalArgumentException(channels + " channels but " + zeroPoints.length
                    + " filter zero points: give one for all channels or one per channel");
        }
        for (int zeroPoint : zeroPoints) {
            requireZeroPoint("filter", zeroPoint, signed);
        }
    }

    /**
     * Refuses a depthwise convolution whose image ({@code channels} planes of the window's input
     * size from {@code xOffset}) or output (as many planes of its output size from {@code yOffset})
     * does not lie inside its array, whose filters were packed for another channel count or kernel
     * size, or whose input zero point is not a value of the input's type.
     *
     * @since 1.4
     */
    public static void requireDepthwise(int channels, ConvWindow window, int xLength, int xOffset, boolean xSigned,
                                        int xZeroPoint, int filterRows, int filterColumns, int yLength,
                                        int yOffset) {
        Objects.requireNonNull(window, "window");
        if (channels < 0) {
            throw new IllegalArgumentException("negative channel count " + channels);
        }
        requireInside("x", xLength, xOffset, window.inPlane(), channels, window.inPlane());
        requireInside("y", yLength, yOffset, window.outPlane(), channels, window.outPlane());
        if (filterRows != channels || filterColumns != window.taps()) {
            throw new IllegalArgumentException("filters were packed as " + filterRows + " channels of "
                    + filterColumns + " taps, the convolution has " + channels + " channels of " + window.kH()
                    + " x " + window.kW() + " taps");
        }
        requireZeroPoint("x", xZeroPoint, xSigned);
    }

    /**
     * Refuses a depthwise convolution's requantization unless there is one multiplier for all
     * channels or one per channel, no bias or one per channel, and an output zero point that is a
     * value of the output's type.
     *
     * @since 1.4
     */
    public static void requireChannelRequantization(float[] multiplier, int[] bias, int channels, int yZeroPoint,
                                                    boolean ySigned) {
        Objects.requireNonNull(multiplier, "multiplier: give one for all channels or one per channel");
        requireRequantizationCounts(multiplier, bias, channels, "channel");
        requireZeroPoint("y", yZeroPoint, ySigned);
    }

    private static void requireRequantizationCounts(float[] multiplier, int[] bias, int count, String unit) {
        if (multiplier.length != 1 && multiplier.length != count) {
            throw new IllegalArgumentException(count + " " + unit + "s but " + multiplier.length
                    + " multipliers: give one for all " + unit + "s or one per " + unit);
        }
        if (bias != null && bias.length != count) {
            throw new IllegalArgumentException(count + " " + unit + "s but " + bias.length
                    + " biases: give one per " + unit);
        }
    }

    private static void requireZeroPoint(String operand, int zeroPoint, boolean signed) {
        int low = signed ? -128 : 0;
        if (zeroPoint < low || zeroPoint > low + 255) {
            throw new IllegalArgumentException(operand + " zero point " + zeroPoint + " is not a "
                    + (signed ? "int8" : "uint8") + " value (" + low + " to " + (low + 255) + ")");
        }
    }
}
