package io.quantedge.backend.scalar;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;
import java.util.Objects;

/**
 * Depthwise convolution computed directly, channel by channel: the plane's int32 sums are built tap
 * by tap, each tap added to every output position whose input position it reaches inside the image
 * (padding would add (zero point - zero point) x w = 0, so those positions are skipped rather than
 * tested), then copied out or requantized as {@link Requantizer} does it. Int32 addition wraps, so
 * the order of the additions does not change the result.
 */
final class ScalarDepthwiseConv implements Int8DepthwiseConvKernel {

    /** One plane of int32 sums per thread, grown to the largest plane seen and reused. */
    private static final ThreadLocal<int[]> SUMS = ThreadLocal.withInitial(() -> new int[0]);

    @Override
    public PackedMatrix pack(byte[] filters, int offset, int channels, int taps, boolean signed, int[] zeroPoints) {
        KernelArguments.requireFilters(filters.length, offset, channels, taps, signed, zeroPoints);
        int[] channelZeroPoints = new int[channels];
        Arrays.fill(channelZeroPoints, zeroPoints[0]);
        if (zeroPoints.length == channels) {
            System.arraycopy(zeroPoints, 0, channelZeroPoints, 0, channels);
        }
        return new DepthwiseFilters(Arrays.copyOfRange(filters, offset, offset + channels * taps), channels, taps,
                signed, channelZeroPoints);
    }

    @Override
    public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                         PackedMatrix filters, int[] y, int yOffset) {
        DepthwiseFilters w = requireFilters(filters);
        KernelArguments.requireDepthwise(channels, window, x.length, xOffset, xSigned, xZeroPoint, w.rows(),
                w.columns(), y.length, yOffset);
        int[] sums = sums(window.outPlane());
        for (int c = 0; c < channels; c++) {
            sum(window, x, xOffset + c * window.inPlane(), xSigned, xZeroPoint, w, c, sums);
            System.arraycopy(sums, 0, y, yOffset + c * window.outPlane(), window.outPlane());
        }
    }

    @Override
    public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                    int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                    int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
        DepthwiseFilters w = requireFilters(filters);
        KernelArguments.requireDepthwise(channels, window, x.length, xOffset, xSigned, xZeroPoint, w.rows(),
                w.columns(), y.length, yOffset);
        KernelArguments.requireChannelRequantization(multiplier, bias, channels, yZeroPoint, ySigned);
        Objects.requireNonNull(rounding, "rounding");
        int positions = window.outPlane();
        int[] sums = sums(positions);
        for (int c = 0; c < channels; c++) {
            sum(window, x, xOffset + c * window.inPlane(), xSigned, xZeroPoint, w, c, sums);
            int channelBias = bias == null ? 0 : bias[c];
            float channelMultiplier = multiplier[multiplier.length == 1 ? 0 : c];
            int out = yOffset + c * positions;
            for (int p = 0; p < positions; p++) {
                y[out + p] = Requantizer.requantize(sums[p] + channelBias, channelMultiplier, yZeroPoint, ySigned,
                        rounding);
            }
        }
    }

    private static DepthwiseFilters requireFilters(PackedMatrix filters) {
        if (!(filters instanceof DepthwiseFilters w)) {
            throw KernelArguments.foreignPacking("filters", filters, DepthwiseFilters.class.getSimpleName(),
                    "scalar");
        }
        return w;
    }

    private static int[] sums(int positions) {
        int[] sums = SUMS.get();
        if (sums.length < positions) {
            sums = new int[positions];
            SUMS.set(sums);
        }
        return sums;
    }

    /** Channel c's sums for every output position, into {@code sums}. */
    private static void sum(ConvWindow window, byte[] x, int plane, boolean xSigned, int xZero, DepthwiseFilters w,
                            int c, int[] sums) {
        int outH = window.outH();
        int outW = window.outW();
        int strideH = window.strideH();
        int strideW = window.strideW();
        Arrays.fill(sums, 0, outH * outW, 0);
        byte[] weights = w.values();
        int wZero = w.channelZeroPoints()[c];
        for (int kh = 0; kh < window.kH(); kh++) {
            int rowShift = kh * window.dilationH() - window.padTop();
            int ohFirst = firstInside(rowShift, strideH);
            int ohEnd = endInside(rowShift, strideH, window.inH(), outH);
            for (int kw = 0; kw < window.kW(); kw++) {
                int wv = ScalarInt8Gemm.value(weights[c * window.taps() + kh * window.kW() + kw], w.signed()) - wZero;
                if (wv == 0) {
                    continue;
                }
                int colShift = kw * window.dilationW() - window.padLeft();
                int owFirst = firstInside(colShift, strideW);
                int owEnd = endInside(colShift, strideW, window.inW(), outW);
                for (int oh = ohFirst; oh < ohEnd; oh++) {
                    int row = plane + (oh * strideH + rowShift) * window.inW() + colShift;
                    int out = oh * outW;
                    // Loops without a per-element branch on the type or multiply by the stride for the
                    // common cases: this runs once per tap over the whole plane.
                    if (strideW == 1 && xSigned) {
                        for (int ow = owFirst; ow < owEnd; ow++) {
                            sums[out + ow] += (x[row + ow] - xZero) * wv;
                        }
                    } else if (strideW == 1) {
                        for (int ow = owFirst; ow < owEnd; ow++) {
                            sums[out + ow] += ((x[row + ow] & 0xFF) - xZero) * wv;
                        }
                    } else {
                        for (int ow = owFirst; ow < owEnd; ow++) {
                            sums[out + ow] += (ScalarInt8Gemm.value(x[row + ow * strideW], xSigned) - xZero) * wv;
                        }
                    }
                }
            }
        }
    }

    /** The first output index whose input index {@code o * stride + shift} is not negative. */
    private static int firstInside(int shift, int stride) {
        // In long: padding near Integer.MAX_VALUE would overflow -shift + stride - 1.
        return shift >= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (-(long) shift + stride - 1) / stride);
    }

    /** One past the last output index (below {@code outExtent}) whose input index stays below {@code inExtent}. */
    private static int endInside(int shift, int stride, int inExtent, int outExtent) {
        int last = inExtent - 1 - shift;
        return last < 0 ? 0 : Math.min(outExtent, last / stride + 1);
    }
}
