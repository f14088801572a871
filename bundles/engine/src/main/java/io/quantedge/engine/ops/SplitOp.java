package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Split along {@code axis} into the node's outputs: by the 'split' attribute (before opset 13) or
 * input (13+), else into equal parts; with opset 18's num_outputs the last part may be smaller.
 */
final class SplitOp implements Operator {

    private final NodeContext node;
    private final long axis;
    private final long[] splitAttr;
    private final int parts;

    SplitOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        this.axis = node.intAttr("axis", 0);
        this.splitAttr = node.opset() < 13 ? node.intsAttr("split") : null;
        long numOutputs = node.opset() >= 18 ? node.intAttr("num_outputs", -1) : -1;
        this.parts = numOutputs > 0 ? (int) numOutputs : node.node().outputs().size();
        if (numOutputs > 0 && node.hasInput(1)) {
            throw node.error(Code.MALFORMED, "give either the split input or num_outputs, not both");
        }
        if (parts < 1) {
            throw node.error(Code.MALFORMED, "Split needs at least one output");
        }
    }

    private int[] sizes(int extent, List<TensorType> types, List<Value> known) throws ModelLoadException {
        long[] split = node.opset() < 13 ? splitAttr : Operands.knownIntegers(node, types, known, 1, "split");
        int[] sizes = new int[parts];
        if (split != null) {
            long total = 0;
            for (long s : split) {
                total += s;
            }
            if (split.length != parts || total != extent || Arrays.stream(split).anyMatch(s -> s < 0)) {
                throw node.error(Code.INVALID_GRAPH, "split " + Arrays.toString(split) + " must have " + parts
                        + " non-negative sizes adding up to the axis extent " + extent);
            }
            for (int i = 0; i < parts; i++) {
                sizes[i] = (int) split[i];
            }
            return sizes;
        }
        if (extent % parts != 0 && node.opset() < 18) {
            throw node.error(Code.INVALID_GRAPH, "axis extent " + extent + " does not split into " + parts
                    + " equal parts; give 'split'");
        }
        return equalParts(extent, parts);
    }

    /** Parts of ceil(extent / parts), the last one taking what is left (opset 18's rule). */
    private static int[] equalParts(int extent, int parts) {
        int[] sizes = new int[parts];
        int chunk = (extent + parts - 1) / parts;
        int left = extent;
        for (int i = 0; i < parts; i++) {
            sizes[i] = Math.min(chunk, left);
            left -= sizes[i];
        }
        return sizes;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType in = Operands.required(node, inputs, 0, "input");
        int a = Axes.normalize(node, axis, in.rank(), "axis");
        List<TensorType> out = new ArrayList<>();
        for (int size : sizes(in.shape()[a], inputs, known)) {
            int[] shape = in.shape().clone();
            shape[a] = size;
            out.add(new TensorType(in.type(), shape));
        }
        return out;
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        int rank = in.rank();
        int a = (int) (axis < 0 ? axis + rank : axis);
        int outer = Axes.product(in.shape(), 0, a);
        int inBlock = Axes.product(in.shape(), a, rank);
        int inner = Axes.product(in.shape(), a + 1, rank);
        Value splitInput = node.opset() < 13 ? null : Operands.input(inputs, 1);
        long[] split = splitInput != null ? splitInput.toLongArray() : splitAttr;
        int[] equal = split == null ? equalParts(in.shape()[a], parts) : null;
        int at = 0;
        for (int k = 0; k < parts; k++) {
            int size = split != null ? (int) split[k] : equal[k];
            int block = size * inner;
            Value out = Operands.output(outputs, k);
            for (int o = 0; out != null && o < outer; o++) {
                System.arraycopy(in.data(), in.offset() + o * inBlock + at, out.data(), out.offset() + o * block, block);
            }
            at += block;
        }
    }
}
