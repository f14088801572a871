package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import java.util.Arrays;

/** Numpy-style (multidirectional) broadcasting: shapes align on the right, extent 1 stretches. */
final class Broadcast {

    private Broadcast() {
    }

    /** The broadcast shape of {@code shapes}, or an INVALID_GRAPH error naming them. */
    static int[] shape(NodeContext node, int[]... shapes) throws ModelLoadException {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            int shift = rank - s.length;
            for (int i = 0; i < s.length; i++) {
                int d = s[i];
                int o = out[shift + i];
                if (d == o || d == 1) {
                    continue;
                }
                if (o == 1) {
                    out[shift + i] = d;
                } else {
                    StringBuilder text = new StringBuilder();
                    for (int[] each : shapes) {
                        text.append(text.length() == 0 ? "" : " and ").append(Arrays.toString(each));
                    }
                    throw node.error(Code.INVALID_GRAPH, "shapes " + text + " cannot be broadcast together");
                }
            }
        }
        return out;
    }

    /** Strides reading {@code in} (row-major) at each index of {@code out}: 0 along stretched axes. */
    static int[] strides(int[] in, int[] out) {
        int[] own = Axes.strides(in);
        int[] strides = new int[out.length];
        int shift = out.length - in.length;
        for (int i = 0; i < in.length; i++) {
            strides[shift + i] = in[i] == 1 && out[shift + i] != 1 ? 0 : own[i];
        }
        return strides;
    }

    /** A walk over {@code out} reading each of {@code inputs} broadcast to it. */
    static StridedWalk walk(int[] out, int[]... inputs) {
        int[][] strides = new int[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            strides[k] = strides(inputs[k], out);
        }
        return StridedWalk.of(out, strides);
    }
}
