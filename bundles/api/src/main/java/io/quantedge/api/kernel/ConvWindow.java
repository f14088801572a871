package io.quantedge.api.kernel;

/**
 * Where a 2-D convolution window goes over one image plane, in ONNX's terms: output position
 * (oh, ow) covers the input positions {@code (oh * strideH - padTop + kh * dilationH, ow * strideW
 * - padLeft + kw * dilationW)} for every kh below kH and kw below kW. Positions outside the
 * {@code inH x inW} image are padding. The bottom and right padding are implied by the output
 * size, which may reach further than the image (every window of such a row or column then lies
 * partly or wholly in padding). A 1-D convolution is a window of height 1.
 *
 * <p>The constructor refuses windows no convolution has (a kernel, stride or dilation below 1,
 * negative padding or sizes) and windows whose index arithmetic does not fit an int, so kernels
 * can compute positions in int without overflow checks.
 *
 * @since 1.4
 */
public record ConvWindow(int inH, int inW, int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                         int padTop, int padLeft, int outH, int outW) {

    public ConvWindow {
        if (kH < 1 || kW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("kernel " + kH + " x " + kW + ", strides " + strideH + ", " + strideW
                    + " and dilations " + dilationH + ", " + dilationW + " must be at least 1");
        }
        if (inH < 0 || inW < 0 || outH < 0 || outW < 0 || padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("negative size or padding: input " + inH + " x " + inW + ", output "
                    + outH + " x " + outW + ", pads " + padTop + ", " + padLeft);
        }
        requireFitsInt("input plane", (long) inH * inW);
        requireFitsInt("output plane", (long) outH * outW);
        requireFitsInt("kernel", (long) kH * kW);
        // The furthest padded row and column a window reaches, from the top-left corner of the padding.
        requireFitsInt("window rows", reach(outH, strideH, kH, dilationH));
        requireFitsInt("window columns", reach(outW, strideW, kW, dilationW));
    }

    /** Filter values per channel, kH x kW. */
    public int taps() {
        return kH * kW;
    }

    /** Values in one input plane, inH x inW. */
    public int inPlane() {
        return inH * inW;
    }

    /** Values in one output plane, outH x outW. */
    public int outPlane() {
        return outH * outW;
    }

    private static long reach(int out, int stride, int k, int dilation) {
        return Math.max(0, out - 1) * (long) stride + (long) (k - 1) * dilation + 1;
    }

    private static void requireFitsInt(String what, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " spans " + size + " values, more than an int indexes");
        }
    }
}
