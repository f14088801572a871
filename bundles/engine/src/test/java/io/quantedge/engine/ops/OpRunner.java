package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.Operator;
import io.quantedge.engine.Storage;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one node through the real path (registry, NodeContext, factory), infers and runs it.
 * Inputs are copied to an offset inside larger arrays and outputs are pre-filled with garbage at
 * an offset, as in a reused arena, so an op that ignores offsets or skips elements fails.
 */
final class OpRunner {
    private static final int PAD = 3;

    private final String opType;
    private final int opset;
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private final List<Value> inputs = new ArrayList<>();
    private final List<Boolean> knownAhead = new ArrayList<>();
    private int outputCount = 1;
    private KernelRegistry kernels = new KernelRegistry(List.of());

    private OpRunner(String opType, int opset) {
        this.opType = opType;
        this.opset = opset;
    }

    static OpRunner op(String opType, int opset) {
        return new OpRunner(opType, opset);
    }

    OpRunner attr(String name, long value) {
        attributes.put(name, Attribute.ofInt(value));
        return this;
    }

    OpRunner attr(String name, float value) {
        attributes.put(name, Attribute.ofFloat(value));
        return this;
    }

    OpRunner attr(String name, String value) {
        attributes.put(name, Attribute.ofString(value));
        return this;
    }

    OpRunner ints(String name, long... values) {
        attributes.put(name, Attribute.ofInts(values));
        return this;
    }

    OpRunner attr(String name, Attribute value) {
        attributes.put(name, value);
        return this;
    }

    /** An input whose value the planner knows ahead (a constant). */
    OpRunner in(Value value) {
        inputs.add(value);
        knownAhead.add(true);
        return this;
    }

    /** An input known only when running (computed from data). */
    OpRunner runtime(Value value) {
        inputs.add(value);
        knownAhead.add(false);
        return this;
    }

    OpRunner omitted() {
        inputs.add(null);
        knownAhead.add(false);
        return this;
    }

    /** The kernel backends the node may take heavy math from (none unless given). */
    OpRunner kernels(KernelRegistry registry) {
        this.kernels = registry;
        return this;
    }

    OpRunner outputs(int count) {
        this.outputCount = count;
        return this;
    }

    Operator create() throws ModelLoadException {
        List<String> inputNames = new ArrayList<>();
        Map<String, Value> constants = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                inputNames.add("");
            } else {
                inputNames.add("in" + i);
                if (knownAhead.get(i)) {
                    constants.put("in" + i, inputs.get(i));
                }
            }
        }
        List<String> outputNames = new ArrayList<>();
        for (int i = 0; i < outputCount; i++) {
            outputNames.add("out" + i);
        }
        Node node = new Node("n", "", opType, inputNames, outputNames, attributes);
        NodeContext context = new NodeContext(node, opset, constants, kernels);
        return StandardOps.registry().find("", opType).orElseThrow().create(context);
    }

    List<TensorType> infer() throws ModelLoadException {
        return infer(create());
    }

    private List<TensorType> infer(Operator op) throws ModelLoadException {
        List<TensorType> types = new ArrayList<>();
        List<Value> known = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Value v = inputs.get(i);
            types.add(v == null ? null : new TensorType(v.type(), v.shape()));
            known.add(v != null && knownAhead.get(i) ? v : null);
        }
        return op.infer(types, known);
    }

    /** Infers, allocates the outputs and runs; returns the outputs. */
    Value[] runAll() throws ModelLoadException {
        Operator op = create();
        List<TensorType> types = infer(op);
        Value[] in = new Value[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = inputs.get(i) == null ? null : shifted(inputs.get(i));
        }
        Value[] out = new Value[outputCount];
        for (int i = 0; i < outputCount; i++) {
            out[i] = garbage(types.get(i));
        }
        op.run(in, out);
        Value[] compact = new Value[outputCount];
        for (int i = 0; i < outputCount; i++) {
            compact[i] = out[i].copy();
        }
        return compact;
    }

    Value run() throws ModelLoadException {
        return runAll()[0];
    }

    /** The error code and message when creating or inferring fails. */
    ModelLoadException failure() {
        return assertThrows(ModelLoadException.class, () -> infer());
    }

    private static Value shifted(Value v) {
        Object data = Storage.of(v.type()).allocate(v.size() + 2 * PAD);
        System.arraycopy(v.data(), v.offset(), data, PAD, v.size());
        return new Value(v.type(), v.shape(), data, PAD);
    }

    private static Value garbage(TensorType t) {
        Object data = Storage.of(t.type()).allocate(t.size() + 2 * PAD);
        if (data instanceof float[] f) {
            Arrays.fill(f, Float.NaN);
        } else if (data instanceof int[] i) {
            Arrays.fill(i, 0x5A5A5A5A);
        } else if (data instanceof long[] l) {
            Arrays.fill(l, 0x5A5A5A5A5A5AL);
        } else if (data instanceof short[] s) {
            Arrays.fill(s, (short) 0x5A5A);
        } else {
            Arrays.fill((byte[]) data, (byte) 0x5A);
        }
        return new Value(t.type(), t.shape(), data, PAD);
    }

    // ---- values and checks used by the tests ----

    static Value floats(int[] shape, float... values) {
        return Value.ofFloats(shape, values);
    }

    static Value longs(int[] shape, long... values) {
        return Value.ofLongs(shape, values);
    }

    static Value ints(int[] shape, int... values) {
        return new Value(DataType.INT32, shape.clone(), values, 0);
    }

    static Value bools(int[] shape, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new Value(DataType.BOOL, shape.clone(), bytes, 0);
    }

    static Value scalar(long value) {
        return Value.ofLongs(new int[0], value);
    }

    static Value vector(long... values) {
        return Value.ofLongs(new int[] {values.length}, values);
    }

    static int[] shape(int... dims) {
        return dims;
    }

    /** 0, 1, 2, ... as floats in the given shape. */
    static Value iota(int... shape) {
        float[] values = new float[Value.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return Value.ofFloats(shape, values);
    }

    static void assertValue(Value actual, int[] shape, float... expected) {
        assertEquals(Arrays.toString(shape), Arrays.toString(actual.shape()), "shape");
        float[] got = new float[actual.size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = (float) actual.numberAt(i);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5f * Math.max(1f, Math.abs(expected[i])),
                    "element " + i + " of " + Arrays.toString(got));
        }
        assertEquals(expected.length, got.length, "element count");
    }

    static void assertLongs(Value actual, int[] shape, long... expected) {
        assertEquals(Arrays.toString(shape), Arrays.toString(actual.shape()), "shape");
        assertEquals(Arrays.toString(expected), Arrays.toString(actual.toLongArray()));
    }
}
