package io.quantedge.engine.ops;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;
import java.util.Map;

/**
 * Constant: a value from exactly one of the attributes value, value_float(s), value_int(s). It has
 * no inputs, so the planner computes it once ahead of time.
 */
final class ConstantOp implements Operator {

    private final Value value;

    private ConstantOp(Value value) {
        this.value = value;
    }

    static Operator create(NodeContext node) throws ModelLoadException {
        Map<String, Attribute> attributes = node.node().attributes();
        if (attributes.size() != 1) {
            throw node.error(Code.MALFORMED, "Constant needs exactly one value attribute, has " + attributes.keySet());
        }
        String name = attributes.keySet().iterator().next();
        Value value = switch (name) {
            case "value" -> Value.fromTensor(attributes.get(name).asTensor());
            case "value_float" -> Value.ofFloats(new int[0], node.floatAttr(name, 0));
            case "value_floats" -> {
                float[] v = node.floatsAttr(name);
                yield Value.ofFloats(new int[] {v.length}, v);
            }
            case "value_int" -> Value.ofLongs(new int[0], node.intAttr(name, 0));
            case "value_ints" -> {
                long[] v = node.intsAttr(name);
                yield Value.ofLongs(new int[] {v.length}, v);
            }
            default -> throw node.error(Code.UNSUPPORTED, "Constant attribute '" + name
                    + "' is not supported (supported: value, value_float(s), value_int(s))");
        };
        if (name.equals("value") && attributes.get(name).kind() != Attribute.Kind.TENSOR) {
            throw node.error(Code.MALFORMED, "attribute 'value' must be a tensor");
        }
        return new ConstantOp(value);
    }

    @Override
    public List<TensorType> infer(List<TensorType> inputs, List<Value> known) {
        return List.of(new TensorType(value.type(), value.shape()));
    }

    @Override
    public void run(Value[] inputs, Value[] outputs) {
        StridedCopy.whole(value, outputs[0]);
    }

    /** ConstantOfShape(shape): a tensor of the given shape filled with the one-element 'value' (float 0 by default). */
    static Operator ofShape(NodeContext node) throws ModelLoadException {
        Value fill = node.attr("value").isPresent()
                ? Value.fromTensor(node.attr("value").get().asTensor())
                : Value.ofFloats(new int[] {1}, 0f);
        if (fill.size() != 1) {
            throw node.error(Code.MALFORMED, "attribute 'value' must hold exactly one element, has " + fill.size());
        }
        return new Operator() {
            @Override
            public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
                long[] shape = Operands.knownIntegers(node, inputs, known, 0, "shape");
                if (shape == null) {
                    throw node.error(Code.MALFORMED, "shape (input 0) is required");
                }
                int[] dims = Operands.toInts(node, shape, "shape");
                for (int d : dims) {
                    if (d < 0) {
                        throw node.error(Code.INVALID_GRAPH, "shape " + java.util.Arrays.toString(dims)
                                + " has a negative dimension");
                    }
                }
                return List.of(new TensorType(fill.type(), dims));
            }

            @Override
            public void run(Value[] inputs, Value[] outputs) {
                Value out = outputs[0];
                StridedCopy.copy(fill.data(), fill.offset(), 0, out.data(), out.offset(), out.size());
            }
        };
    }

    /** Range(start, limit, delta): max(ceil((limit - start) / delta), 0) values, of the inputs' type. */
    static Operator range(NodeContext node) {
        return new Operator() {
            @Override
            public List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException {
                TensorType start = Operands.required(node, inputs, 0, "start");
                Operands.requireType(node, start, "start", DataType.FP32, DataType.INT64, DataType.INT32,
                        DataType.INT16);
                double[] args = new double[3];
                for (int i = 0; i < 3; i++) {
                    Value v = Operands.known(known, i);
                    TensorType t = Operands.required(node, inputs, i, "start, limit and delta");
                    if (t.type() != start.type() || t.size() != 1) {
                        throw node.error(Code.INVALID_GRAPH, "start, limit and delta must be scalars of one type, got "
                                + t + " for input " + i);
                    }
                    if (v == null || v.data() == null) {
                        throw node.error(Code.INVALID_GRAPH, "input " + i
                                + " must be known before running: it decides the output length");
                    }
                    args[i] = v.numberAt(0);
                }
                if (args[2] == 0) {
                    throw node.error(Code.INVALID_GRAPH, "delta must not be 0");
                }
                return List.of(new TensorType(start.type(), new int[] {count(args[0], args[1], args[2])}));
            }

            @Override
            public void run(Value[] inputs, Value[] outputs) {
                Value out = outputs[0];
                int n = out.size();
                if (out.type() == DataType.FP32) {
                    // Accumulate as the reference does (start + i*delta would round differently).
                    float v = inputs[0].floats()[inputs[0].offset()];
                    float delta = inputs[2].floats()[inputs[2].offset()];
                    for (int i = 0; i < n; i++) {
                        out.floats()[out.offset() + i] = v;
                        v += delta;
                    }
                    return;
                }
                long start = inputs[0].integerAt(0);
                long delta = inputs[2].integerAt(0);
                for (int i = 0; i < n; i++) {
                    long v = start + i * delta;
                    switch (out.type()) {
                        case INT64 -> out.longs()[out.offset() + i] = v;
                        case INT32 -> out.ints()[out.offset() + i] = (int) v;
                        default -> out.shorts()[out.offset() + i] = (short) v;
                    }
                }
            }
        };
    }

    private static int count(double start, double limit, double delta) {
        return (int) Math.max(Math.ceil((limit - start) / delta), 0);
    }
}
