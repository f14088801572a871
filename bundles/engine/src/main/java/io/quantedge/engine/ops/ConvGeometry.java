package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import java.util.Arrays;

/**
 * The sliding-window arithmetic Conv and the pooling ops share, for 1-D and 2-D windows (a 1-D
 * window is handled as 2-D with height 1), and 3-D windows for pooling (a depth axis around the
 * 2-D window). Attributes as ONNX names them: kernel_shape, strides, dilations, pads (all begins,
 * then all ends), auto_pad, ceil_mode.
 */
record ConvGeometry(int[] kernel, int[] strides, int[] dilations, int[] pads, String autoPad, boolean ceilMode) {

    static ConvGeometry read(NodeContext node, int[] kernelFromWeights, boolean poolingCeilMode)
            throws ModelLoadException {
        return read(node, kernelFromWeights, poolingCeilMode, 2);
    }

    /** A pooling window: kernel_shape is required, and 1-D to 3-D windows are accepted. */
    static ConvGeometry readPooling(NodeContext node, boolean ceilMode) throws ModelLoadException {
        return read(node, null, ceilMode, 3);
    }

    private static ConvGeometry read(NodeContext node, int[] kernelFromWeights, boolean poolingCeilMode,
                                     int maxSpatial) throws ModelLoadException {
        long[] k = node.intsAttr("kernel_shape");
        int[] kernel = k != null ? toInts(k) : kernelFromWeights;
        if (kernel == null) {
            throw node.error(Code.MALFORMED, "kernel_shape is required");
        }
        int spatial = kernel.length;
        if (spatial < 1 || spatial > maxSpatial) {
            throw node.error(Code.UNSUPPORTED, spatial + "-D windows are not supported ("
                    + (maxSpatial == 2 ? "1-D and 2-D are)" : "1-D, 2-D and 3-D are)"));
        }
        int[] strides = orDefault(node.intsAttr("strides"), spatial, 1);
        int[] dilations = orDefault(node.intsAttr("dilations"), spatial, 1);
        int[] pads = orDefault(node.intsAttr("pads"), 2 * spatial, 0);
        String autoPad = node.stringAttr("auto_pad", "NOTSET");
        boolean ceil = poolingCeilMode && node.intAttr("ceil_mode", 0) != 0;
        for (int i = 0; i < spatial; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[i + spatial] < 0) {
                throw node.error(Code.MALFORMED, "invalid window: kernel " + Arrays.toString(kernel) + ", strides "
                        + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations) + ", pads "
                        + Arrays.toString(pads));
            }
        }
        if (!Arrays.asList("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(autoPad)) {
            throw node.error(Code.MALFORMED, "unknown auto_pad '" + autoPad + "'");
        }
        return new ConvGeometry(kernel, strides, dilations, pads, autoPad, ceil);
    }

    private static int[] orDefault(long[] values, int length, int fallback) {
        if (values == null) {
            int[] out = new int[length];
            Arrays.fill(out, fallback);
            return out;
        }
        return toInts(values);
    }

    static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    int spatialRank() {
        return kernel.length;
    }

    /** Begin and end padding of spatial axis {@code axis} for an input extent {@code in}. */
    int[] padding(int axis, int in) {
        int spatial = kernel.length;
        switch (autoPad) {
            case "VALID":
                return new int[] {0, 0};
            case "SAME_UPPER":
            case "SAME_LOWER": {
                int out = (in + strides[axis] - 1) / strides[axis];
                int total = Math.max(0, (out - 1) * strides[axis] + dilations[axis] * (kernel[axis] - 1) + 1 - in);
                int small = total / 2;
                return autoPad.equals("SAME_UPPER") ? new int[] {small, total - small} : new int[] {total - small, small};
            }
            default:
                return new int[] {pads[axis], pads[axis + spatial]};
        }
    }

    /** Output extent of spatial axis {@code axis} for an input extent {@code in}. */
    int outputSize(int axis, int in) {
        int[] pad = padding(axis, in);
        int span = dilations[axis] * (kernel[axis] - 1) + 1;
        int room = in + pad[0] + pad[1] - span;
        if (room < 0) {
            return 0;
        }
        if (autoPad.startsWith("SAME")) {
            return (in + strides[axis] - 1) / strides[axis];
        }
        if (!ceilMode) {
            return room / strides[axis] + 1;
        }
        int out = (room + strides[axis] - 1) / strides[axis] + 1;
        // A window may not start in the end padding (PyTorch's and ONNX's reference rule).
        if ((out - 1) * strides[axis] >= in + pad[0]) {
            out--;
        }
        return out;
    }

    /**
     * Height and width geometry (the last two spatial axes) as 2-D: for 1-D windows the height axis
     * is a unit axis.
     */
    ConvWindow window(int inH, int inW) {
        if (kernel.length == 1) {
            int[] p = padding(0, inW);
            return new ConvWindow(1, inW, 1, kernel[0], 1, strides[0], 1, dilations[0], 0, p[0], 1,
                    outputSize(0, inW));
        }
        int h = kernel.length - 2;
        int[] ph = padding(h, inH);
        int[] pw = padding(h + 1, inW);
        return new ConvWindow(inH, inW, kernel[h], kernel[h + 1], strides[h], strides[h + 1], dilations[h],
                dilations[h + 1], ph[0], pw[0], outputSize(h, inH), outputSize(h + 1, inW));
    }

    /** The depth axis of a 3-D window; for 1-D and 2-D windows a unit axis. */
    Depth depth(int inD) {
        if (kernel.length < 3) {
            return new Depth(1, 1, 1, 1, 0, 0, 1);
        }
        int[] p = padding(0, inD);
        return new Depth(inD, kernel[0], strides[0], dilations[0], p[0], p[1], outputSize(0, inD));
    }

    /** The depth axis of a window, as plain ints. */
    record Depth(int in, int k, int stride, int dilation, int padFront, int padBack, int out) {
    }
}
