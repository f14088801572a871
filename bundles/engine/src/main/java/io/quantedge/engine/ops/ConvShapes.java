package io.quantedge.engine.ops;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.TensorType;
import java.util.Arrays;

/** Shape checks and output shape of an N x C x (H x) W convolution, shared by float and integer forms. */
final class ConvShapes {

    private ConvShapes() {
    }

    static int[] kernelOf(int[] weightShape) {
        return Arrays.copyOfRange(weightShape, 2, weightShape.length);
    }

    static int[] outputShape(NodeContext node, ConvGeometry geometry, int group, TensorType x, TensorType w)
            throws ModelLoadException {
        int spatial = geometry.spatialRank();
        if (x.rank() != spatial + 2 || w.rank() != spatial + 2) {
            throw node.error(Code.INVALID_GRAPH, "input " + x + " and weight " + w + " do not fit a " + spatial
                    + "-D convolution");
        }
        int channels = x.shape()[1];
        int filters = w.shape()[0];
        if (group < 1 || channels % group != 0 || filters % group != 0 || w.shape()[1] * group != channels) {
            throw node.error(Code.INVALID_GRAPH, "input has " + channels + " channels, weight " + w + ", group " + group
                    + ": channels must equal weight.shape[1] x group and filters divide by group");
        }
        for (int i = 0; i < spatial; i++) {
            if (w.shape()[2 + i] != geometry.kernel()[i]) {
                throw node.error(Code.INVALID_GRAPH, "kernel_shape " + Arrays.toString(geometry.kernel())
                        + " disagrees with weight " + w);
            }
        }
        ConvWindow window = window(geometry, x.shape());
        return spatial == 1 ? new int[] {x.shape()[0], filters, window.outW()}
                : new int[] {x.shape()[0], filters, window.outH(), window.outW()};
    }

    static ConvWindow window(ConvGeometry geometry, int[] xShape) {
        return geometry.spatialRank() == 1 ? geometry.window(1, xShape[2]) : geometry.window(xShape[2], xShape[3]);
    }
}
