package io.quantedge.engine.plan;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.NodeContext;
import io.quantedge.engine.OpFactory;
import io.quantedge.engine.OpRegistry;
import io.quantedge.engine.Operator;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the 256-entry table of a quantized elementwise activation by running the activation's
 * own operator on every value the 8-bit input can hold, dequantized, and quantizing the results:
 * the fused lookup then gives exactly the integers of DequantizeLinear -> activation -> Quantize.
 */
final class ActivationTables implements QdqFusion.Tables {

    private static final String PROBE = "quantedge:lookup-input";

    private final Graph graph;
    private final OpRegistry ops;
    private final KernelRegistry kernels;
    private final Map<String, Value> constants;

    ActivationTables(Graph graph, OpRegistry ops, KernelRegistry kernels, Map<String, Value> constants) {
        this.graph = graph;
        this.ops = ops;
        this.kernels = kernels;
        this.constants = constants;
    }

    @Override
    public Optional<Value> table(Node activation, DataType inType, float inScale, int inZero, DataType outType,
                                 float outScale, int outZero) {
        Optional<OpFactory> factory = ops.find(activation.domain(), activation.opType());
        if (factory.isEmpty()) {
            return Optional.empty();
        }
        float[] x = new float[256];
        for (int k = 0; k < 256; k++) {
            int q = inType == DataType.INT8 ? k - 128 : k;
            x[k] = (float) (q - inZero) * inScale;
        }
        List<String> inputs = new ArrayList<>(activation.inputs());
        inputs.set(0, PROBE);
        Node probe = new Node(activation.name(), activation.domain(), activation.opType(), inputs,
                List.of(activation.outputs().get(0)), activation.attributes());
        Map<String, Value> known = new HashMap<>(constants);
        known.put(PROBE, Value.ofFloats(new int[] {256}, x));
        try {
            Operator op = factory.get().create(new NodeContext(probe, graph.opset(probe.domain()), known, kernels));
            PreparedGraph.fold(probe, op, known);
        } catch (ModelLoadException | RuntimeException e) {
            return Optional.empty(); // not an activation we can tabulate; it stays unfused
        }
        Value y = known.get(probe.outputs().get(0));
        if (y == null || y.type() != DataType.FP32 || y.size() != 256) {
            return Optional.empty();
        }
        Value table = Value.allocate(outType, 256);
        long min = outType.minValue();
        long max = outType.maxValue();
        for (int k = 0; k < 256; k++) {
            long q = (long) Math.rint(y.floats()[y.offset() + k] / outScale) + outZero;
            table.bytes()[k] = (byte) Math.max(min, Math.min(max, q));
        }
        return Optional.of(table);
    }
}
