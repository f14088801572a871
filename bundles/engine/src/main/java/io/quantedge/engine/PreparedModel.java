package io.quantedge.engine;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.InferenceException.Code;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.plan.ExecutionPlan;
import io.quantedge.engine.plan.PreparedGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One preparation of a model for one set of kernel backends: the prepared graph, its plans (made
 * per set of input shapes, one per batch size usually, on first use and kept), its report and
 * memory figures. Immutable but for the plan cache; runs on different threads share plans but
 * never memory.
 */
final class PreparedModel {

    /** Plans kept per model; a client cycling through more shapes than this rebuilds plans. */
    private static final int MAX_PLANS = 16;
    /**
     * When a model's shapes depend on input values (a Reshape's target, a Resize's scales fed at
     * run time), inputs up to this many elements are planned with their values known; such a
     * model gets a plan per distinct value, like a plan per batch size.
     */
    private static final int SHAPE_INPUT_MAX_ELEMENTS = 16;

    private final String name;
    private final PreparedGraph graph;
    private final long weightBytes;
    private final long plannedActivationBytes;
    private final Map<String, ExecutionPlan> plans = new ConcurrentHashMap<>();
    /** Set once planning showed that shapes depend on the values of small inputs. */
    private volatile boolean shapesNeedInputValues;

    private final ModelReport report;

    PreparedModel(String name, Graph source, PreparedGraph graph) throws ModelLoadException {
        this.name = name;
        this.graph = graph;
        // The figure a model report shows: dynamic dimensions (the batch) taken as 1.
        Map<String, int[]> unitShapes = new HashMap<>();
        for (TensorSpec input : graph.inputs()) {
            unitShapes.put(input.name(), input.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray());
        }
        ExecutionPlan unit = null;
        try {
            unit = ExecutionPlan.build(graph, unitShapes);
            plans.put(key(unitShapes), unit);
        } catch (ModelLoadException e) {
            // Shapes may hang on the values of small inputs (a Reshape target fed at run time): then
            // planning waits for the first run. Unsupported ops and types are refused now regardless.
            if (e.code() != ModelLoadException.Code.INVALID_GRAPH) {
                throw e;
            }
            shapesNeedInputValues = true;
        }
        this.plannedActivationBytes = unit == null ? -1 : unit.activationBytes();
        // After the first plan: some operators pack their weights once they know their operand types.
        long bytes = 0;
        for (Value v : graph.constants().values()) {
            bytes += (long) v.size() * Storage.of(v.type()).bytesPerElement();
        }
        for (var node : graph.nodes()) {
            bytes += node.operator().preparedBytes();
        }
        this.weightBytes = bytes;
        this.report = ModelReporter.report(name, source, graph, weightBytes, plannedActivationBytes);
    }

    ModelReport report() {
        return report;
    }

    List<TensorSpec> inputs() {
        return graph.inputs();
    }

    List<TensorSpec> outputs() {
        return graph.outputs();
    }

    long weightBytes() {
        return weightBytes;
    }

    long plannedActivationBytes() {
        return plannedActivationBytes;
    }

    PreparedGraph graph() {
        return graph;
    }

    Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
        Map<String, int[]> shapes = check(inputs);
        ExecutionPlan plan = shapesNeedInputValues ? planFor(shapes, smallInputs(inputs)) : planFor(shapes, Map.of());
        try {
            return plan.run(inputs);
        } catch (RuntimeException e) {
            throw new InferenceException(Code.KERNEL_FAILURE, "running model '" + name + "' failed: " + e, e);
        }
    }

    private Map<String, int[]> check(Map<String, Tensor> inputs) throws InferenceException {
        Map<String, int[]> shapes = new HashMap<>();
        for (String given : inputs.keySet()) {
            if (graph.inputs().stream().noneMatch(s -> s.name().equals(given))) {
                throw new InferenceException(Code.BAD_INPUT, "model '" + name + "' has no input '" + given + "'; inputs are "
                        + graph.inputs().stream().map(TensorSpec::name).toList());
            }
        }
        for (TensorSpec spec : graph.inputs()) {
            Tensor tensor = inputs.get(spec.name());
            if (tensor == null) {
                throw new InferenceException(Code.BAD_INPUT, "input '" + spec.name() + "' is missing; expected " + spec);
            }
            if (tensor.type() != spec.type() || !spec.accepts(tensor.shape())) {
                throw new InferenceException(Code.BAD_INPUT, "input '" + spec.name() + "' is " + tensor.type()
                        + tensor.shape() + "; expected " + spec);
            }
            shapes.put(spec.name(), tensor.shape().dims());
        }
        return shapes;
    }

    private static Map<String, Value> smallInputs(Map<String, Tensor> inputs) {
        Map<String, Value> values = new HashMap<>();
        inputs.forEach((name, tensor) -> {
            if (tensor.elementCount() <= SHAPE_INPUT_MAX_ELEMENTS) {
                values.put(name, Value.fromTensor(tensor));
            }
        });
        return values;
    }

    private ExecutionPlan planFor(Map<String, int[]> shapes, Map<String, Value> knownInputs) throws InferenceException {
        StringBuilder keyText = new StringBuilder(key(shapes));
        knownInputs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                keyText.append(e.getKey()).append('=').append(valueText(e.getValue())).append(';'));
        String key = keyText.toString();
        ExecutionPlan plan = plans.get(key);
        if (plan != null) {
            return plan;
        }
        try {
            plan = ExecutionPlan.build(graph, shapes, knownInputs);
        } catch (ModelLoadException e) {
            throw new InferenceException(Code.BAD_INPUT, "model '" + name + "' cannot run with input shapes " + key
                    + ": " + e.getMessage(), e);
        }
        if (plans.size() >= MAX_PLANS) {
            plans.clear();
        }
        ExecutionPlan raced = plans.putIfAbsent(key, plan);
        return raced != null ? raced : plan;
    }

    /** The exact values, as text for a cache key (floats and halves by value, integers as such). */
    private static String valueText(Value v) {
        return switch (v.type()) {
            case FP32 -> Arrays.toString(Arrays.copyOfRange(v.floats(), v.offset(), v.offset() + v.size()));
            case FP16 -> Arrays.toString(Arrays.copyOfRange(v.shorts(), v.offset(), v.offset() + v.size()));
            default -> Arrays.toString(v.toLongArray());
        };
    }

    private static String key(Map<String, int[]> shapes) {
        StringBuilder key = new StringBuilder();
        shapes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.append(e.getKey()).append(Arrays.toString(e.getValue())).append(';'));
        return key.toString();
    }

    /** Drops the plans (and with them the arenas): nothing will run on this preparation again. */
    void release() {
        plans.clear();
    }
}
