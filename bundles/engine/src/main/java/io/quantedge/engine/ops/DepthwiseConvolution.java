package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry.Selection;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Value;

/**
 * The depthwise case of ConvInteger and QLinearConv (one input channel per filter, one filter per
 * channel) on the best backend's {@link Int8DepthwiseConvKernel}: a stencil over each image, where
 * as matrix products it would be one tiny product per channel. Constant filters are packed once;
 * filters computed or fed at run time are packed on every run.
 */
final class DepthwiseConvolution {

    private final Selection<Int8DepthwiseConvKernel> kernel;
    /** The constant filters packed, or null when they are packed per run. */
    private final PackedMatrix packed;

    private DepthwiseConvolution(Selection<Int8DepthwiseConvKernel> kernel, PackedMatrix packed) {
        this.kernel = kernel;
        this.packed = packed;
    }

    /** True for weights of one filter per group over one channel each: [group, 1, kH(, kW)]. */
    static boolean isDepthwise(int[] weightShape, int group) {
        return weightShape.length >= 3 && weightShape[0] == group && weightShape[1] == 1;
    }

    /**
     * Chooses the kernel for these operand types and packs {@code weight} with its zero point when
     * they are constants ({@code weight} null otherwise).
     */
    static DepthwiseConvolution prepare(NodeContext node, DataType xType, DataType wType, Value weight,
                                        Value weightZero) throws ModelLoadException {
        if (!IntegerKernels.is8Bit(xType) || !IntegerKernels.is8Bit(wType)) {
            throw node.error(Code.UNSUPPORTED, "depthwise convolution of " + xType + " x " + wType
                    + " (int8 and uint8 are supported)");
        }
        OpSignature signature = OpSignature.of(KernelBackend.DEPTHWISE_CONV, xType, wType);
        Selection<Int8DepthwiseConvKernel> selected = node.kernels().select(signature, Int8DepthwiseConvKernel.class)
                .orElseThrow(() -> node.error(Code.UNSUPPORTED, "no kernel backend computes " + signature));
        return new DepthwiseConvolution(selected, weight == null ? null : pack(selected.kernel(), weight, weightZero));
    }

    private static PackedMatrix pack(Int8DepthwiseConvKernel kernel, Value w, Value wZero) {
        int channels = w.shape()[0];
        return kernel.pack(w.bytes(), w.offset(), channels, w.size() / channels, w.type() == DataType.INT8,
                IntegerKernels.zeroPoints(wZero, channels));
    }

    /**
     * Convolves every image of {@code x} into {@code y}: int32 sums when {@code requantization} is
     * null, else requantized to y's type. {@code w} and {@code wZero} are read only when the
     * filters were not packed ahead.
     */
    void run(Value x, int xZero, Value w, Value wZero, ConvWindow window, Requantization requantization, Value y) {
        Int8DepthwiseConvKernel k = kernel.kernel();
        PackedMatrix filters = packed != null ? packed : pack(k, w, wZero);
        int batch = x.shape()[0];
        int channels = x.shape()[1];
        boolean xSigned = x.type() == DataType.INT8;
        for (int n = 0; n < batch; n++) {
            int xOffset = x.offset() + n * channels * window.inPlane();
            int yOffset = y.offset() + n * channels * window.outPlane();
            if (requantization == null) {
                k.convolve(channels, window, x.bytes(), xOffset, xSigned, xZero, filters, y.ints(), yOffset);
            } else {
                k.convolveRequantized(channels, window, x.bytes(), xOffset, xSigned, xZero, filters,
                        requantization.bias(), requantization.multipliers(), requantization.yZero(),
                        y.type() == DataType.INT8, Rounding.HALF_TO_EVEN, y.bytes(), yOffset);
            }
        }
    }

    String backend() {
        return kernel.backend();
    }

    long preparedBytes() {
        return packed == null ? 0 : packed.bytes();
    }
}
