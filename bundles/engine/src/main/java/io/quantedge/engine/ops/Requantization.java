package io.quantedge.engine.ops;

import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Value;
import java.util.Arrays;

/**
 * What turns an int32 product into 8-bit output, one entry per output column: the multiplier
 * {@code a_scale * b_scale[j] / y_scale}, the optional int32 bias and the output zero point. The
 * arrays are never modified after construction, so one instance is shared by every run once its
 * inputs are known to be constants.
 */
record Requantization(float[] multipliers, int[] bias, int yZero) {

    /**
     * Reads the scales (each a scalar or one per column), the optional bias and output zero point
     * for {@code columns} columns. Single precision, in ONNX Runtime's order of operations.
     */
    static Requantization read(Value aScale, Value bScale, Value yScale, Value yZero, Value bias, int columns) {
        float a = aScale.floats()[aScale.offset()];
        float y = yScale.floats()[yScale.offset()];
        float[] multipliers = IntegerKernels.scales(bScale, columns);
        for (int j = 0; j < columns; j++) {
            multipliers[j] = a * multipliers[j] / y;
        }
        int[] biasColumns = null;
        if (bias != null) {
            biasColumns = new int[columns];
            for (int j = 0; j < columns; j++) {
                biasColumns[j] = bias.ints()[bias.offset() + (bias.size() == 1 ? 0 : j)];
            }
        }
        return new Requantization(multipliers, biasColumns, yZero == null ? 0 : (int) yZero.integerAt(0));
    }

    /** Columns {@code from} (inclusive) to {@code to} (exclusive), e.g. one convolution group's filters. */
    Requantization columns(int from, int to) {
        return new Requantization(Arrays.copyOfRange(multipliers, from, to),
                bias == null ? null : Arrays.copyOfRange(bias, from, to), yZero);
    }

    int columnCount() {
        return multipliers.length;
    }

    /** True when each of these inputs is a constant of the node or absent (a negative index means absent). */
    static boolean constantInputs(NodeContext node, int... indices) {
        for (int index : indices) {
            if (index >= 0 && node.hasInput(index) && node.constantInput(index).isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
