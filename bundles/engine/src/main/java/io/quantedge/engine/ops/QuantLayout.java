package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import java.util.Arrays;

/**
 * Which (scale, zero point) pair applies to each element of a tensor, as ONNX's QuantizeLinear
 * and DequantizeLinear define it by the scale's shape: one pair for all (per-tensor), one per index
 * of {@code axis} (per-axis), or one per block of {@code blockSize} along {@code axis} (blocked,
 * the scale having the tensor's shape with that axis divided into blocks).
 */
record QuantLayout(int inner, int extent, int blockSize, int blocks, boolean perTensor) {

    static QuantLayout of(NodeContext node, int[] shape, int[] scaleShape, long axisAttr, long blockSize)
            throws ModelLoadException {
        int scaleSize = 1;
        for (int d : scaleShape) {
            scaleSize *= d;
        }
        if (scaleSize == 1 && blockSize == 0) {
            return new QuantLayout(1, 1, 1, 1, true);
        }
        if (shape.length == 0) {
            throw node.error(Code.INVALID_GRAPH, "a scalar input takes a scalar scale, got " + Arrays.toString(scaleShape));
        }
        int axis = (int) (axisAttr < 0 ? axisAttr + shape.length : axisAttr);
        if (axis < 0 || axis >= shape.length) {
            throw node.error(Code.INVALID_GRAPH, "axis " + axisAttr + " is out of range for " + Arrays.toString(shape));
        }
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int extent = shape[axis];
        if (blockSize <= 0) {
            if (scaleShape.length != 1 || scaleShape[0] != extent) {
                throw node.error(Code.INVALID_GRAPH, "per-axis scale " + Arrays.toString(scaleShape) + " must have "
                        + extent + " elements (axis " + axis + " of " + Arrays.toString(shape) + ")");
            }
            return new QuantLayout(inner, extent, 1, extent, false);
        }
        int bs = Math.toIntExact(blockSize);
        int blocks = (extent + bs - 1) / bs;
        int[] expected = shape.clone();
        expected[axis] = blocks;
        if (!Arrays.equals(expected, scaleShape)) {
            throw node.error(Code.INVALID_GRAPH, "blocked scale " + Arrays.toString(scaleShape) + " must be "
                    + Arrays.toString(expected) + " for block_size " + bs);
        }
        return new QuantLayout(inner, extent, bs, blocks, false);
    }

    /** The parameter index of element {@code i} (row-major). */
    int parameter(int i) {
        if (perTensor) {
            return 0;
        }
        if (blockSize == 1) {
            return (i / inner) % extent; // per-axis: one pair per index of the axis
        }
        int within = i % inner;
        int rest = i / inner;
        int a = rest % extent;
        int outer = rest / extent;
        return (outer * blocks + a / blockSize) * inner + within;
    }
}
