package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * Depthwise convolution in native code (depthwise_kernels.c): filters packed once as int32
 * differences from their zero points; per call each channel's image padded and split by stride
 * phase, then 16 outputs at a time summed tap by tap in vector registers and requantized straight
 * to bytes. Channels are split over the backend's threads when a layer is large enough to pay for it.
 */
final class NativeDepthwiseConv implements Int8DepthwiseConvKernel {

    private final KernelVariant variant;
    private final ParallelColumns parallel;

    NativeDepthwiseConv(KernelVariant variant, ParallelColumns parallel) {
        this.variant = variant;
        this.parallel = parallel;
    }

    @Override
    public PackedMatrix pack(byte[] filters, int offset, int channels, int taps, boolean signed, int[] zeroPoints) {
        Objects.requireNonNull(filters, "filters");
        KernelArguments.requireFilters(filters.length, offset, channels, taps, signed, zeroPoints);
        return new NativePackedMatrix(NativePackedMatrix.Kind.DEPTHWISE, channels, taps,
                NativeKernels.packDepthwise(filters, offset, channels, taps, signed, zeroPoints));
    }

    @Override
    public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                         PackedMatrix filters, int[] y, int yOffset) {
        NativePackedMatrix packed = requireFilters(filters);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        KernelArguments.requireDepthwise(channels, window, x.length, xOffset, xSigned, xZeroPoint, packed.rows(),
                packed.columns(), y.length, yOffset);
        ConvWindow w = window;
        try {
            parallel.run(channels, work(w), (first, count) -> NativeKernels.depthwiseConv(variant.id(),
                    packed.address(), first, count, w.inH(), w.inW(), w.kH(), w.kW(), w.strideH(), w.strideW(),
                    w.dilationH(), w.dilationW(), w.padTop(), w.padLeft(), w.outH(), w.outW(), x, xOffset, xSigned,
                    xZeroPoint, y, yOffset));
        } finally {
            Reference.reachabilityFence(packed);
        }
    }

    @Override
    public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                    int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                    int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
        NativePackedMatrix packed = requireFilters(filters);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        KernelArguments.requireDepthwise(channels, window, x.length, xOffset, xSigned, xZeroPoint, packed.rows(),
                packed.columns(), y.length, yOffset);
        KernelArguments.requireChannelRequantization(multiplier, bias, channels, yZeroPoint, ySigned);
        Objects.requireNonNull(rounding, "rounding");
        ConvWindow w = window;
        boolean halfToEven = rounding == Rounding.HALF_TO_EVEN;
        try {
            parallel.run(channels, work(w), (first, count) -> NativeKernels.depthwiseConvRequantized(variant.id(),
                    packed.address(), first, count, w.inH(), w.inW(), w.kH(), w.kW(), w.strideH(), w.strideW(),
                    w.dilationH(), w.dilationW(), w.padTop(), w.padLeft(), w.outH(), w.outW(), x, xOffset, xSigned,
                    xZeroPoint, bias, multiplier, yZeroPoint, ySigned, halfToEven, y, yOffset));
        } finally {
            Reference.reachabilityFence(packed);
        }
    }

    private static NativePackedMatrix requireFilters(PackedMatrix filters) {
        if (!(filters instanceof NativePackedMatrix packed) || packed.kind() != NativePackedMatrix.Kind.DEPTHWISE) {
            throw KernelArguments.foreignPacking("filters", filters, NativePackedMatrix.Kind.DEPTHWISE + " matrix",
                    "native");
        }
        return packed;
    }

    /** Multiply-adds per channel, for the split over threads. */
    private static long work(ConvWindow window) {
        return (long) window.outPlane() * window.taps();
    }
}
