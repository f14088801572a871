package io.quantedge.tck;

import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.Random;

/**
 * One depthwise convolution's inputs: the image (its planes consecutive, at an offset in a longer
 * array of random bytes), its zero point, and the filters with their zero points (one, or one per
 * channel).
 */
record DepthwiseOperands(DepthwiseShape shape, Int8Matrix x, int xZero, Int8Matrix filters, int[] wZeros) {

    /** Random image and filters of the given types, with the given zero points. */
    static DepthwiseOperands random(Random random, DepthwiseShape shape, IntegerSignedness types, int xZero,
                                    int[] wZeros) {
        return new DepthwiseOperands(shape, contiguous(random, shape.channels(), shape.window().inPlane(),
                types.aSigned()), xZero, contiguous(random, shape.channels(), shape.window().taps(), types.bSigned()),
                wZeros);
    }

    /** Every image value {@code xValue} and every filter value {@code wValue}; the padding around them random. */
    static DepthwiseOperands constant(Random random, DepthwiseShape shape, IntegerSignedness types, int xValue,
                                      int xZero, int wValue, int[] wZeros) {
        DepthwiseOperands operands = random(random, shape, types, xZero, wZeros);
        fill(operands.x(), xValue);
        fill(operands.filters(), wValue);
        return operands;
    }

    /** Rows of {@code columns} values one after the other (leading dimension = columns), random padding around. */
    private static Int8Matrix contiguous(Random random, int rows, int columns, boolean signed) {
        MatrixLayout layout = new MatrixLayout(random.nextInt(5), columns, rows, columns);
        byte[] values = new byte[layout.arrayLength()];
        random.nextBytes(values);
        return new Int8Matrix(values, layout, signed);
    }

    private static void fill(Int8Matrix matrix, int value) {
        MatrixLayout layout = matrix.layout();
        Arrays.fill(matrix.values(), layout.offset(), layout.offset() + layout.rows() * layout.columns(), (byte) value);
    }

    /** The same filters over a new random image of {@code other} (same channel count and kernel size). */
    DepthwiseOperands withImage(Random random, DepthwiseShape other, int otherXZero) {
        return new DepthwiseOperands(other, contiguous(random, other.channels(), other.window().inPlane(),
                x.signed()), otherXZero, filters, wZeros);
    }

    PackedMatrix pack(Int8DepthwiseConvKernel kernel) {
        return kernel.pack(filters.values(), filters.offset(), shape.channels(), shape.window().taps(),
                filters.signed(), wZeros);
    }

    /** Where the output planes go: after a few padding elements, followed by a few more. */
    MatrixLayout outputLayout(Random random) {
        int plane = shape.window().outPlane();
        return new MatrixLayout(random.nextInt(5), plane, shape.channels(), plane);
    }
}
