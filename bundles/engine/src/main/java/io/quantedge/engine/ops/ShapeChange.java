package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that keep the elements in order and only change the shape: Reshape, Flatten, Squeeze and
 * Unsqueeze. Each is a rule for the output shape; running copies the elements unchanged.
 */
final class ShapeChange implements Operator {

    /** The output shape for the data input's shape and the node's other (known) inputs. */
    @FunctionalInterface
    interface Rule {
        int[] outputShape(int[] in, List<TensorType> types, List<Value> known) throws ModelLoadException;
    }

    private final NodeContext node;
    private final Rule rule;

    private ShapeChange(NodeContext node, Rule rule) {
        this.node = node;
        this.rule = rule;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType data = Operands.required(node, inputs, 0, "data");
        int[] shape = rule.outputShape(data.shape(), inputs, known);
        if (Value.elementCount(shape) != data.size()) {
            throw node.error(Code.INVALID_GRAPH, "cannot reshape " + Arrays.toString(data.shape()) + " ("
                    + data.size() + " elements) to " + Arrays.toString(shape));
        }
        return List.of(new TensorType(data.type(), shape));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        StridedCopy.whole(inputs[0], outputs[0]);
    }

    static Operator reshape(NodeContext node) throws ModelLoadException {
        boolean allowZero = node.opset() >= 14 && node.intAttr("allowzero", 0) != 0;
        if (node.opset() < 5) {
            throw node.error(Code.UNSUPPORTED, "Reshape before opset 5 (shape as an attribute) is not supported");
        }
        return new ShapeChange(node, (in, types, known) -> {
            long[] requested = Operands.knownIntegers(node, types, known, 1, "shape");
            if (requested == null) {
                throw node.error(Code.MALFORMED, "shape (input 1) is required");
            }
            return reshaped(node, in, requested, allowZero);
        });
    }

    private static int[] reshaped(NodeContext node, int[] in, long[] requested, boolean allowZero)
            throws ModelLoadException {
        int[] out = new int[requested.length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            long d = requested[i];
            if (d == 0 && !allowZero) {
                if (i >= in.length) {
                    throw node.error(Code.INVALID_GRAPH, "shape " + Arrays.toString(requested) + " copies dimension "
                            + i + " (0) but the input " + Arrays.toString(in) + " has rank " + in.length);
                }
                d = in[i];
            }
            if (d == -1) {
                if (inferred >= 0) {
                    throw node.error(Code.INVALID_GRAPH, "shape " + Arrays.toString(requested) + " has more than one -1");
                }
                inferred = i;
                continue;
            }
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw node.error(Code.INVALID_GRAPH, "shape " + Arrays.toString(requested) + " has invalid dimension " + d);
            }
            out[i] = (int) d;
            known *= d;
        }
        if (inferred >= 0) {
            long total = Value.elementCount(in);
            if (known == 0 || total % known != 0) {
                throw node.error(Code.INVALID_GRAPH, "cannot infer the -1 in shape " + Arrays.toString(requested)
                        + " for input " + Arrays.toString(in));
            }
            out[inferred] = (int) (total / known);
        }
        return out;
    }

    static Operator flatten(NodeContext node) throws ModelLoadException {
        long axis = node.intAttr("axis", 1);
        return new ShapeChange(node, (in, types, known) -> {
            // Flatten's axis may also equal the rank: everything goes into the first dimension.
            if (axis < -in.length || axis > in.length) {
                throw node.error(Code.INVALID_GRAPH, "axis " + axis + " is out of range for rank " + in.length
                        + " (allowed: " + -in.length + " to " + in.length + ")");
            }
            int a = (int) (axis < 0 ? axis + in.length : axis);
            return new int[] {Axes.product(in, 0, a), Axes.product(in, a, in.length)};
        });
    }

    static Operator squeeze(NodeContext node) throws ModelLoadException {
        long[] attrAxes = node.opset() < 13 ? node.intsAttr("axes") : null;
        return new ShapeChange(node, (in, types, known) -> {
            long[] axes = node.opset() < 13 ? attrAxes : Operands.knownIntegers(node, types, known, 1, "axes");
            boolean[] drop = new boolean[in.length];
            if (axes == null) {
                for (int i = 0; i < in.length; i++) {
                    drop[i] = in[i] == 1;
                }
            } else {
                for (int a : Axes.normalizeAll(node, axes, in.length, "axes")) {
                    if (in[a] != 1) {
                        throw node.error(Code.INVALID_GRAPH, "cannot squeeze axis " + a + " of shape "
                                + Arrays.toString(in) + ": its extent is " + in[a] + ", not 1");
                    }
                    drop[a] = true;
                }
            }
            int[] out = new int[in.length];
            int rank = 0;
            for (int i = 0; i < in.length; i++) {
                if (!drop[i]) {
                    out[rank++] = in[i];
                }
            }
            return Arrays.copyOf(out, rank);
        });
    }

    static Operator unsqueeze(NodeContext node) throws ModelLoadException {
        long[] attrAxes = node.opset() < 13 ? node.intsAttr("axes") : null;
        if (node.opset() < 13 && attrAxes == null) {
            throw node.error(Code.MALFORMED, "attribute 'axes' is required before opset 13");
        }
        return new ShapeChange(node, (in, types, known) -> {
            long[] axes = node.opset() < 13 ? attrAxes : Operands.knownIntegers(node, types, known, 1, "axes");
            if (axes == null) {
                throw node.error(Code.MALFORMED, "axes (input 1) is required from opset 13 on");
            }
            int rank = in.length + axes.length;
            boolean[] inserted = Axes.mask(Axes.normalizeAll(node, axes, rank, "axes"), rank);
            int[] out = new int[rank];
            for (int i = 0, j = 0; i < rank; i++) {
                out[i] = inserted[i] ? 1 : in[j++];
            }
            return out;
        });
    }
}
