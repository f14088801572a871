package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Objects;
import jdk.incubator.vector.IntVector;

/**
 * Depthwise convolution a channel at a time: the channel's image is laid out once
 * ({@link PhaseSplitImage}) so that every tap is a contiguous load, then each output row is summed
 * a vector of positions at a time, all taps into one int32 accumulator, and the plane is copied
 * out or requantized in vectors. Int32 arithmetic wraps, so the sums equal the reference's in any
 * order of addition.
 *
 * <p>The input zero point leaves the loop through the identity {@code sum (x - xz) w' = sum x w' -
 * xz * sum w'} (w' the filter minus its zero point): the accumulator starts at {@code bias - xz *
 * sum w'}, and padding, which holds xz, cancels exactly. A window whose layout would dwarf its
 * image (huge pads or dilations) is summed directly instead, with a bounds test per tap.
 */
final class VectorDepthwiseConv implements Int8DepthwiseConvKernel {

    private static final int SHIFT_TO_INT8 = 128;

    @Override
    public PackedMatrix pack(byte[] filters, int offset, int channels, int taps, boolean signed, int[] zeroPoints) {
        KernelArguments.requireFilters(filters.length, offset, channels, taps, signed, zeroPoints);
        int[] weights = new int[channels * taps];
        int[] weightSums = new int[channels];
        for (int c = 0; c < channels; c++) {
            int zeroPoint = zeroPoints[zeroPoints.length == 1 ? 0 : c];
            int sum = 0;
            for (int t = 0; t < taps; t++) {
                byte value = filters[offset + c * taps + t];
                int centered = (signed ? value : value & 0xFF) - zeroPoint;
                weights[c * taps + t] = centered;
                sum += centered;
            }
            weightSums[c] = sum;
        }
        return new CenteredDepthwiseFilters(weights, weightSums, channels, taps);
    }

    @Override
    public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                         PackedMatrix filters, int[] y, int yOffset) {
        CenteredDepthwiseFilters w = requireArguments(channels, window, x, xOffset, xSigned, xZeroPoint, filters,
                y.length, yOffset);
        int positions = window.outPlane();
        PhaseSplitImage layout = PhaseSplitImage.of(window);
        DepthwiseWorkspace workspace = DepthwiseWorkspace.ofCurrentThread();
        for (int c = 0; c < channels && positions > 0; c++) {
            int[] sums = channelSums(window, layout, x, xOffset + c * window.inPlane(), xSigned, xZeroPoint, w, c, 0,
                    workspace);
            System.arraycopy(sums, 0, y, yOffset + c * positions, positions);
        }
    }

    @Override
    public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                    int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                    int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
        CenteredDepthwiseFilters w = requireArguments(channels, window, x, xOffset, xSigned, xZeroPoint, filters,
                y.length, yOffset);
        KernelArguments.requireChannelRequantization(multiplier, bias, channels, yZeroPoint, ySigned);
        Objects.requireNonNull(rounding, "rounding");
        int positions = window.outPlane();
        PhaseSplitImage layout = PhaseSplitImage.of(window);
        DepthwiseWorkspace workspace = DepthwiseWorkspace.ofCurrentThread();
        for (int c = 0; c < channels && positions > 0; c++) {
            int[] sums = channelSums(window, layout, x, xOffset + c * window.inPlane(), xSigned, xZeroPoint, w, c,
                    bias == null ? 0 : bias[c], workspace);
            VectorRequantizer.requantizePlane(positions, sums, multiplier[multiplier.length == 1 ? 0 : c],
                    yZeroPoint, ySigned, rounding, y, yOffset + c * positions);
        }
    }

    /** The checks both convolutions share, in the order every backend makes them; the filters as this kernel packs them. */
    private static CenteredDepthwiseFilters requireArguments(int channels, ConvWindow window, byte[] x, int xOffset,
                                                             boolean xSigned, int xZeroPoint, PackedMatrix filters,
                                                             int yLength, int yOffset) {
        if (!(filters instanceof CenteredDepthwiseFilters w)) {
            throw KernelArguments.foreignPacking("filters", filters, CenteredDepthwiseFilters.class.getSimpleName(),
                    "vector");
        }
        KernelArguments.requireDepthwise(channels, window, x.length, xOffset, xSigned, xZeroPoint, w.rows(),
                w.columns(), yLength, yOffset);
        return w;
    }

    /**
     * Channel c's sums plus {@code bias}, the first {@code outH x outW} values of the returned
     * workspace array, row after row.
     */
    private static int[] channelSums(ConvWindow window, PhaseSplitImage layout, byte[] x, int plane, boolean xSigned,
                                     int xZeroPoint, CenteredDepthwiseFilters w, int c, int bias,
                                     DepthwiseWorkspace workspace) {
        int positions = window.outPlane();
        // Room for the spare lanes of the last row's last vector.
        int[] sums = workspace.sums(positions + LANES);
        if (layout == null) {
            DirectDepthwiseSums.sum(window, x, plane, xSigned, xZeroPoint, w.weights(), c * window.taps(), bias,
                    sums);
            return sums;
        }
        byte[] image = workspace.image(layout.bytes());
        layout.fill(x, plane, xSigned, xZeroPoint, image);
        int shiftedZeroPoint = xSigned ? xZeroPoint : xZeroPoint - SHIFT_TO_INT8;
        int start = bias - shiftedZeroPoint * w.weightSums()[c];
        int outW = window.outW();
        for (int oh = 0; oh < window.outH(); oh++) {
            sumRow(image, layout.outputRowStart(oh), layout.tapOffsets(), w.weights(), c * window.taps(), start,
                    sums, oh * outW, outW);
        }
        return sums;
    }

    /**
     * One output row: per vector of positions, {@code start} plus every tap's inputs times its
     * weight. The last vector may run past the row; its spare lanes land in the next row's place
     * (which that row then overwrites) or in the workspace's spare room.
     */
    private static void sumRow(byte[] image, int rowStart, int[] tapOffsets, int[] weights, int firstWeight,
                               int start, int[] sums, int sumsRow, int outW) {
        int taps = tapOffsets.length;
        for (int ow = 0; ow < outW; ow += LANES) {
            IntVector sum = IntVector.broadcast(INTS, start);
            int from = rowStart + ow;
            for (int t = 0; t < taps; t++) {
                sum = sum.add(KernelSpecies.widenToInts(image, from + tapOffsets[t]).mul(weights[firstWeight + t]));
            }
            sum.intoArray(sums, sumsRow + ow);
        }
    }
}
