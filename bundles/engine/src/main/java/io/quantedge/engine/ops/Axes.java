package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import java.util.Arrays;

/** Axis arguments as ONNX gives them: negative values count from the end, each axis at most once. */
final class Axes {

    private Axes() {
    }

    /** {@code axis} in [-rank, rank) as an index in [0, rank). */
    static int normalize(NodeContext node, long axis, int rank, String what) throws ModelLoadException {
        if (axis < -rank || axis >= rank) {
            throw node.error(Code.INVALID_GRAPH, what + " " + axis + " is out of range for rank " + rank
                    + " (allowed: " + -rank + " to " + (rank - 1) + ")");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Normalises every axis and rejects repeats. */
    static int[] normalizeAll(NodeContext node, long[] axes, int rank, String what) throws ModelLoadException {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            out[i] = normalize(node, axes[i], rank, what);
            if (seen[out[i]]) {
                throw node.error(Code.INVALID_GRAPH, what + " " + Arrays.toString(axes) + " name an axis twice");
            }
            seen[out[i]] = true;
        }
        return out;
    }

    /** A mask of length {@code rank}: true at every listed (already normalised) axis. */
    static boolean[] mask(int[] axes, int rank) {
        boolean[] mask = new boolean[rank];
        for (int a : axes) {
            mask[a] = true;
        }
        return mask;
    }

    static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }

    /** Row-major element strides of {@code shape}. */
    static int[] strides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }
}
