package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Integer depthwise 2-D convolution: every channel of an image is convolved with a filter of its
 * own (ONNX's ConvInteger and QLinearConv with {@code group} = channels = filters, MobileNet's 3 x 3
 * layers). Done as matrix products it would be one tiny product per channel; as a stencil it is one
 * pass over the image.
 *
 * <p>The image is {@code channels} planes of {@code inH x inW} int8 or uint8 values (NCHW, one
 * image), the output {@code channels} planes of {@code outH x outW}, both consecutive from their
 * offsets. For channel c and output position (oh, ow), with the input positions of
 * {@link ConvWindow}:
 * <pre>
 *   sum[c][oh][ow] = sum over the taps (kh, kw) whose input position lies inside the image of
 *                    (x[c][ih][iw] - xZero) * (w[c][kh][kw] - wZero[c])
 * </pre>
 * in int32, wrapping on overflow as the ONNX integer ops allow. Padding contributes nothing (as an
 * input zero point would). {@link #convolveRequantized} then writes
 * {@code saturate(round((sum + bias[c]) * multiplier[c]) + yZero)} exactly as
 * {@link Int8GemmKernel#requantize} does for column c: the bias added in int32, the product in single
 * precision, rounding per {@link Rounding}, NaN giving {@code yZero}, saturation to int8 or uint8.
 * Results are exact: there is one right answer.
 *
 * <p>Every zero point is a value of its operand's type ([-128, 127] for int8, [0, 255] for uint8),
 * as ONNX defines them. Arguments are checked before anything is written, as
 * {@link KernelArguments} does it. The output must not overlap the input. Implementations are
 * stateless and may be called from many threads at once.
 *
 * @since 1.4
 */
@ConsumerType
public interface Int8DepthwiseConvKernel {

    /**
     * Packs constant filters: {@code channels} filters of {@code taps} (kH x kW, row-major) int8
     * ({@code signed}) or uint8 values each, consecutive from {@code offset}, with their zero points,
     * one for all channels ({@code zeroPoints.length == 1}) or one per channel. The packed matrix
     * has a row per channel and a column per tap.
     */
    PackedMatrix pack(byte[] filters, int offset, int channels, int taps, boolean signed, int[] zeroPoints);

    /** The int32 sums, {@code y[c][oh][ow] = sum[c][oh][ow]} (ConvInteger). */
    void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                  PackedMatrix filters, int[] y, int yOffset);

    /**
     * The sums requantized to 8 bits (QLinearConv): {@code bias} is null or has one entry per
     * channel, {@code multiplier} one entry or one per channel.
     */
    void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                             int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier, int yZeroPoint,
                             boolean ySigned, Rounding rounding, byte[] y, int yOffset);
}
