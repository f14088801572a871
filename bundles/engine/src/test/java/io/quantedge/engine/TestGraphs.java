package io.quantedge.engine;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.ops.StandardOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds small api graphs for tests, and runs single ops through the real op factories. */
public final class TestGraphs {

    public static final KernelRegistry SCALAR =
            new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0)));

    private final List<TensorSpec> inputs = new ArrayList<>();
    private final List<TensorSpec> outputs = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Integer> opsets = new HashMap<>(Map.of("", 13));

    public TestGraphs input(TensorSpec spec) {
        inputs.add(spec);
        return this;
    }

    public TestGraphs output(TensorSpec spec) {
        outputs.add(spec);
        return this;
    }

    public TestGraphs initializer(String name, Tensor tensor) {
        initializers.put(name, tensor);
        return this;
    }

    public TestGraphs opset(String domain, int version) {
        opsets.put(domain, version);
        return this;
    }

    public TestGraphs node(String op, List<String> in, List<String> out, Map<String, Attribute> attributes) {
        nodes.add(new Node(op + "_" + nodes.size(), "", op, in, out, attributes));
        return this;
    }

    public TestGraphs node(Node node) {
        nodes.add(node);
        return this;
    }

    public Graph build() {
        return new Graph("test", opsets, inputs, outputs, initializers, nodes, Map.of());
    }

    /** Runs one op on heap values through its real factory, with constants given for some inputs. */
    public static Value[] runOp(String domain, String op, int opset, Map<String, Attribute> attributes,
                                Value... inputs) throws Exception {
        return runOp(domain, op, opset, attributes, 1, inputs);
    }

    /** As above, with {@code outputCount} outputs declared on the node. */
    public static Value[] runOp(String domain, String op, int opset, Map<String, Attribute> attributes,
                                int outputCount, Value... inputs) throws Exception {
        List<String> names = new ArrayList<>();
        Map<String, Value> constants = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            names.add(inputs[i] == null ? "" : "in" + i);
            if (inputs[i] != null) {
                constants.put("in" + i, inputs[i]);
            }
        }
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < outputCount; i++) {
            outputs.add("out" + i);
        }
        Node node = new Node("n", domain, op, names, outputs, attributes);
        Operator operator = StandardOps.registry().find(domain, op).orElseThrow()
                .create(new NodeContext(node, opset, constants, SCALAR));
        List<TensorType> types = new ArrayList<>();
        for (Value v : inputs) {
            types.add(v == null ? null : new TensorType(v.type(), v.shape()));
        }
        List<TensorType> outTypes = operator.infer(types, java.util.Arrays.asList(inputs));
        Value[] out = new Value[outTypes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Value.allocate(outTypes.get(i).type(), outTypes.get(i).shape());
        }
        operator.run(inputs, out);
        return out;
    }

    public static float[] randomFloats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
