package io.quantedge.api.tensor;

import java.util.Arrays;

/** The dimensions of a concrete tensor, outermost first. Immutable. */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        if (dims.length == 0) {
            return SCALAR;
        }
        int[] copy = dims.clone();
        long count = 1;
        for (int d : copy) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(copy));
            }
            count = Math.multiplyExact(count, (long) d);
        }
        return new Shape(copy);
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}; a negative axis counts from the end, as in ONNX. */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long elementCount() {
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        return count;
    }

    /** Maps an ONNX-style axis in [-rank, rank) to [0, rank). */
    public int normalizeAxis(int axis) {
        int normalized = axis < 0 ? axis + dims.length : axis;
        if (normalized < 0 || normalized >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + dims.length);
        }
        return normalized;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
