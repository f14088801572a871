package io.quantedge.engine;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link OpFactory} sees of a node: its attributes (with typed, defaulted access that
 * fails with a message naming the node), the opset it was written for, the constant values of its
 * inputs where they are constants, and the kernel backends to take heavy math from.
 */
public final class NodeContext {
    private final Node node;
    private final int opset;
    private final Map<String, Value> constants;
    private final KernelRegistry kernels;

    public NodeContext(Node node, int opset, Map<String, Value> constants, KernelRegistry kernels) {
        this.node = node;
        this.opset = opset;
        this.constants = constants;
        this.kernels = kernels;
    }

    public Node node() {
        return node;
    }

    public int opset() {
        return opset;
    }

    public KernelRegistry kernels() {
        return kernels;
    }

    public int inputCount() {
        return node.inputs().size();
    }

    public boolean hasInput(int index) {
        return node.input(index).isPresent();
    }

    /** The constant value of input {@code index}, if the input is present and a constant. */
    public Optional<Value> constantInput(int index) {
        return node.input(index).map(constants::get);
    }

    public Value requireConstantInput(int index, String what) throws ModelLoadException {
        return constantInput(index).orElseThrow(() -> error(Code.UNSUPPORTED,
                what + " (input " + index + ") must be a constant"));
    }

    public long intAttr(String name, long fallback) throws ModelLoadException {
        Optional<Attribute> a = node.attribute(name);
        return a.isPresent() ? read(name, a.get(), Attribute.Kind.INT).asInt() : fallback;
    }

    public float floatAttr(String name, float fallback) throws ModelLoadException {
        Optional<Attribute> a = node.attribute(name);
        return a.isPresent() ? read(name, a.get(), Attribute.Kind.FLOAT).asFloat() : fallback;
    }

    public String stringAttr(String name, String fallback) throws ModelLoadException {
        Optional<Attribute> a = node.attribute(name);
        return a.isPresent() ? read(name, a.get(), Attribute.Kind.STRING).asString() : fallback;
    }

    /** An INTS attribute, or null when absent. */
    public long[] intsAttr(String name) throws ModelLoadException {
        Optional<Attribute> a = node.attribute(name);
        return a.isPresent() ? read(name, a.get(), Attribute.Kind.INTS).asInts() : null;
    }

    public float[] floatsAttr(String name) throws ModelLoadException {
        Optional<Attribute> a = node.attribute(name);
        return a.isPresent() ? read(name, a.get(), Attribute.Kind.FLOATS).asFloats() : null;
    }

    public Optional<Attribute> attr(String name) {
        return node.attribute(name);
    }

    private Attribute read(String name, Attribute attribute, Attribute.Kind kind) throws ModelLoadException {
        if (attribute.kind() != kind) {
            throw error(Code.MALFORMED, "attribute '" + name + "' is " + attribute.kind() + ", expected " + kind);
        }
        return attribute;
    }

    /** An exception that names this node, its op and opset. */
    public ModelLoadException error(Code code, String message) {
        return new ModelLoadException(code, node.qualifiedOpType() + " node '" + node.name() + "' (opset " + opset
                + "): " + message);
    }
}
