package io.quantedge.engine.ops;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;

/**
 * Reading an op's inputs as the planner hands them over: lists may be shorter than the op's
 * input count and hold nulls for omitted optional inputs, so every access goes through here.
 */
final class Operands {

    private Operands() {
    }

    /** The type of input {@code index}, or null when it is absent or omitted. */
    static TensorType type(List<TensorType> types, int index) {
        return index < types.size() ? types.get(index) : null;
    }

    /** The type of a required input; a missing one is a malformed node. */
    static TensorType required(NodeContext node, List<TensorType> types, int index, String what)
            throws ModelLoadException {
        TensorType type = type(types, index);
        if (type == null) {
            throw node.error(Code.MALFORMED, what + " (input " + index + ") is required");
        }
        return type;
    }

    /** The known value of input {@code index}, or null when it is omitted or unknown before running. */
    static Value known(List<Value> known, int index) {
        return known != null && index < known.size() ? known.get(index) : null;
    }

    /** Input {@code index} during a run, or null when omitted. */
    static Value input(Value[] inputs, int index) {
        return index < inputs.length ? inputs[index] : null;
    }

    /** Output {@code index} during a run, or null when the node does not ask for it. */
    static Value output(Value[] outputs, int index) {
        return index < outputs.length ? outputs[index] : null;
    }

    /**
     * The integers of an input that decides the output shape (Reshape's shape, Slice's starts...):
     * null when the input is omitted, an error when it is present but not known before running.
     */
    static long[] knownIntegers(NodeContext node, List<TensorType> types, List<Value> known, int index, String what)
            throws ModelLoadException {
        TensorType type = type(types, index);
        if (type == null) {
            return null;
        }
        if (type.type().isFloatingPoint()) {
            throw node.error(Code.INVALID_GRAPH, what + " (input " + index + ") must be an integer tensor, not "
                    + type.type());
        }
        Value value = known(known, index);
        if (value == null || value.data() == null) {
            throw node.error(Code.INVALID_GRAPH, what + " (input " + index
                    + ") must be known before running: it decides the output shape, and it is computed from data");
        }
        return value.toLongArray();
    }

    /** Fails unless {@code type} is one of {@code allowed}, naming the input. */
    static void requireType(NodeContext node, TensorType type, String what, DataType... allowed)
            throws ModelLoadException {
        for (DataType t : allowed) {
            if (type.type() == t) {
                return;
            }
        }
        throw node.error(Code.UNSUPPORTED, what + " of type " + type.type() + " is not supported (supported: "
                + java.util.Arrays.toString(allowed) + ")");
    }

    static int[] toInts(NodeContext node, long[] values, String what) throws ModelLoadException {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
                throw node.error(Code.INVALID_GRAPH, what + " value " + values[i] + " is out of range");
            }
            out[i] = (int) values[i];
        }
        return out;
    }
}
