package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Float16;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Pad in modes constant, reflect, edge and wrap (opset 19). Pads are an attribute before opset 11
 * and an input after ([all begins, all ends]); negative pads crop. Opset 18 adds an axes input
 * naming the axes the pads are for. Each output axis gets a table of source indices (-1 for the
 * constant), and rows are copied in runs of consecutive sources.
 */
final class PadOp implements Operator {

    private enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    private final NodeContext node;
    private final Mode mode;
    private final long[] padsAttr;
    private final float valueAttr;

    PadOp(NodeContext node) throws ModelLoadException {
        this.node = node;
        String name = node.stringAttr("mode", "constant");
        this.mode = switch (name) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            case "wrap" -> Mode.WRAP;
            default -> throw node.error(Code.UNSUPPORTED, "mode '" + name
                    + "' is not supported (supported: constant, reflect, edge, wrap)");
        };
        if (mode == Mode.WRAP && node.opset() < 19) {
            throw node.error(Code.MALFORMED, "mode 'wrap' exists from opset 19 on");
        }
        this.padsAttr = node.opset() < 11 ? node.intsAttr("pads") : null;
        this.valueAttr = node.opset() < 11 ? node.floatAttr("value", 0f) : 0f;
        if (node.opset() < 11 && padsAttr == null) {
            throw node.error(Code.MALFORMED, "attribute 'pads' is required before opset 11");
        }
    }

    /** Begin and end pads for every axis of a rank-{@code rank} input. */
    private int[] pads(int rank, long[] pads, long[] axes) throws ModelLoadException {
        int[] axisOf;
        if (axes == null) {
            axisOf = new int[rank];
            Arrays.setAll(axisOf, i -> i);
        } else {
            axisOf = Axes.normalizeAll(node, axes, rank, "axes");
        }
        if (pads.length != 2 * axisOf.length) {
            throw node.error(Code.INVALID_GRAPH, "pads " + Arrays.toString(pads) + " must have " + 2 * axisOf.length
                    + " entries (begin and end for each of " + axisOf.length + " axes)");
        }
        int[] full = new int[2 * rank];
        for (int i = 0; i < axisOf.length; i++) {
            full[axisOf[i]] = Math.toIntExact(pads[i]);
            full[rank + axisOf[i]] = Math.toIntExact(pads[axisOf.length + i]);
        }
        return full;
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
        TensorType data = Operands.required(node, inputs, 0, "data");
        int rank = data.rank();
        int[] pads;
        if (node.opset() < 11) {
            pads = pads(rank, padsAttr, null);
        } else {
            long[] p = Operands.knownIntegers(node, inputs, known, 1, "pads");
            if (p == null) {
                throw node.error(Code.MALFORMED, "pads (input 1) is required");
            }
            pads = pads(rank, p, node.opset() >= 18 ? Operands.knownIntegers(node, inputs, known, 3, "axes") : null);
            TensorType value = Operands.type(inputs, 2);
            if (value != null && (value.type() != data.type() || value.size() != 1)) {
                throw node.error(Code.INVALID_GRAPH, "constant_value must be one element of the data type "
                        + data.type() + ", got " + value);
            }
        }
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int in = data.shape()[d];
            out[d] = in + pads[d] + pads[rank + d];
            if (out[d] < 0) {
                throw node.error(Code.INVALID_GRAPH, "pads " + Arrays.toString(pads) + " crop axis " + d
                        + " of extent " + in + " below zero");
            }
            boolean grows = pads[d] > 0 || pads[rank + d] > 0;
            if (grows && mode != Mode.CONSTANT && in == 0) {
                throw node.error(Code.INVALID_GRAPH, "cannot pad an empty axis " + d + " in mode " + mode);
            }
            if (mode == Mode.REFLECT && (pads[d] > in - 1 || pads[rank + d] > in - 1) && grows) {
                throw node.error(Code.UNSUPPORTED, "reflect pads " + Arrays.toString(pads) + " exceed extent - 1 on axis "
                        + d + " of extent " + in);
            }
        }
        return List.of(new TensorType(data.type(), out));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        Value in = inputs[0];
        Value out = outputs[0];
        int rank = in.rank();
        int[] pads;
        try {
            pads = node.opset() < 11 ? pads(rank, padsAttr, null)
                    : pads(rank, inputs[1].toLongArray(), node.opset() >= 18 && Operands.input(inputs, 3) != null
                            ? inputs[3].toLongArray() : null);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e.getMessage(), e); // infer() accepted the same arguments
        }
        Value fill = fillValue(Operands.input(inputs, 2), in.type());
        if (out.size() == 0) {
            return;
        }
        int[][] sources = new int[rank][];
        for (int d = 0; d < rank; d++) {
            sources[d] = sourceIndices(in.shape()[d], out.shape()[d], pads[d]);
        }
        if (rank == 0) {
            StridedCopy.whole(in, out);
            return;
        }
        int[] strides = Axes.strides(in.shape());
        int width = out.shape()[rank - 1];
        int[] last = sources[rank - 1];
        int[] index = new int[rank];
        for (int at = 0; at < out.size(); at += width) {
            int base = 0;
            boolean constantRow = false;
            for (int d = 0; d < rank - 1; d++) {
                int s = sources[d][index[d]];
                constantRow |= s < 0;
                base += s * strides[d];
            }
            copyRow(in, base, last, constantRow, fill, out, out.offset() + at, width);
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < out.shape()[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /** Copies one output row: runs of consecutive sources at once, -1 entries from the fill value. */
    private static void copyRow(Value in, int base, int[] last, boolean constantRow, Value fill, Value out, int to,
                                int width) {
        if (constantRow) {
            StridedCopy.copy(fill.data(), fill.offset(), 0, out.data(), to, width);
            return;
        }
        int j = 0;
        while (j < width) {
            int start = j;
            int source = last[j];
            if (source < 0) {
                while (j < width && last[j] < 0) {
                    j++;
                }
                StridedCopy.copy(fill.data(), fill.offset(), 0, out.data(), to + start, j - start);
            } else {
                while (j + 1 < width && last[j + 1] == last[j] + 1) {
                    j++;
                }
                j++;
                System.arraycopy(in.data(), in.offset() + base + source, out.data(), to + start, j - start);
            }
        }
    }

    /** For each output index along an axis, the input index it copies, or -1 for the constant. */
    private int[] sourceIndices(int in, int outLength, int begin) {
        int[] map = new int[outLength];
        for (int o = 0; o < outLength; o++) {
            int i = o - begin;
            if (i < 0 || i >= in) {
                i = switch (mode) {
                    case CONSTANT -> -1;
                    case EDGE -> i < 0 ? 0 : in - 1;
                    case WRAP -> Math.floorMod(i, in);
                    case REFLECT -> reflect(i, in);
                };
            }
            map[o] = i;
        }
        return map;
    }

    private static int reflect(int i, int in) {
        if (in == 1) {
            return 0;
        }
        int period = 2 * (in - 1);
        int r = Math.floorMod(i, period);
        return r < in ? r : period - r;
    }

    /** The constant as a one-element value of the data's type. */
    private Value fillValue(Value input, DataType type) {
        if (input != null) {
            return input;
        }
        Value fill = Value.allocate(type, 1);
        float v = valueAttr;
        switch (type) {
            case FP32 -> fill.floats()[0] = v;
            case FP16 -> fill.shorts()[0] = Float16.fromFloat(v);
            case INT64 -> fill.longs()[0] = (long) v;
            case INT32 -> fill.ints()[0] = (int) v;
            case INT16, UINT16 -> fill.shorts()[0] = (short) v;
            default -> fill.bytes()[0] = (byte) v;
        }
        return fill;
    }
}
