package io.quantedge.engine.plan;

import io.quantedge.api.graph.Node;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Operator;
import io.quantedge.engine.Storage;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * How to run a prepared graph for one set of input shapes: the steps left after everything
 * computable ahead of time was computed (including shape arithmetic such as PyTorch's
 * {@code x.view(x.size(0), -1)}), and where each value lives in the run's arenas. Runs take an
 * arena set from a pool, so concurrent runs never share memory and a run allocates nothing but its
 * results.
 */
public final class ExecutionPlan {

    /** Where a value is during a run: a constant, or a window of an arena. */
    private record Slot(String name, TensorType type, Value constant, Storage storage, int offset) {
    }

    private record Step(PreparedNode node, int[] inputs, int[] outputs) {
    }

    private final List<Slot> slots;
    private final List<Step> steps;
    private final Map<String, Integer> inputSlots;
    private final Map<String, Integer> outputSlots;
    private final Map<Storage, Integer> arenaSizes;
    private final long activationBytes;
    private final ConcurrentLinkedQueue<Arena> pool = new ConcurrentLinkedQueue<>();

    private ExecutionPlan(List<Slot> slots, List<Step> steps, Map<String, Integer> inputSlots,
                          Map<String, Integer> outputSlots, MemoryLayout layout) {
        this.slots = slots;
        this.steps = steps;
        this.inputSlots = inputSlots;
        this.outputSlots = outputSlots;
        this.arenaSizes = layout.arenaSizes();
        this.activationBytes = layout.bytes();
    }

    public static ExecutionPlan build(PreparedGraph graph, Map<String, int[]> inputShapes) throws ModelLoadException {
        return build(graph, inputShapes, Map.of());
    }

    /**
     * A plan for inputs of {@code inputShapes}, where the inputs in {@code knownInputs} also have
     * their values fixed (small integer inputs that decide shapes, such as a Reshape's target
     * shape fed at run time): the plan is valid only for runs with exactly those values.
     */
    public static ExecutionPlan build(PreparedGraph graph, Map<String, int[]> inputShapes, Map<String, Value> knownInputs)
            throws ModelLoadException {
        Map<String, TensorType> types = new HashMap<>();
        Map<String, Value> known = new HashMap<>(graph.constants());
        known.putAll(knownInputs);
        graph.constants().forEach((name, v) -> types.put(name, new TensorType(v.type(), v.shape())));
        for (TensorSpec input : graph.inputs()) {
            types.put(input.name(), new TensorType(input.type(), inputShapes.get(input.name())));
        }

        List<PreparedNode> scheduled = new ArrayList<>();
        for (PreparedNode prepared : graph.nodes()) {
            Node node = prepared.node();
            Operator op = prepared.operator();
            List<TensorType> inTypes = new ArrayList<>();
            List<Value> inKnown = new ArrayList<>();
            boolean allKnown = true;
            for (String input : node.inputs()) {
                TensorType t = input.isEmpty() ? null : types.get(input);
                inTypes.add(t);
                Value v = input.isEmpty() ? null : known.get(input);
                inKnown.add(v);
                allKnown &= input.isEmpty() || v != null;
            }
            List<TensorType> outTypes = op.infer(inTypes, inKnown);
            if (outTypes.size() < countNonEmpty(node.outputs())) {
                throw new ModelLoadException(Code.INVALID_GRAPH, node + " declares more outputs than the op produces");
            }
            for (int i = 0; i < node.outputs().size(); i++) {
                if (!node.outputs().get(i).isEmpty()) {
                    types.put(node.outputs().get(i), outTypes.get(i));
                }
            }
            if (op.foldable() && (allKnown || op.readsOnlyShapes())) {
                List<Value> values = new ArrayList<>();
                for (int i = 0; i < inTypes.size(); i++) {
                    Value v = inKnown.get(i);
                    TensorType t = inTypes.get(i);
                    values.add(v != null || t == null ? v : new Value(t.type(), t.shape(), null, 0));
                }
                PreparedGraph.evaluate(node, op, outTypes, values, known);
            } else {
                scheduled.add(prepared);
            }
        }
        return layOut(graph, scheduled, types, known);
    }

    private static ExecutionPlan layOut(PreparedGraph graph, List<PreparedNode> scheduled,
                                        Map<String, TensorType> types, Map<String, Value> known)
            throws ModelLoadException {
        // Lifetimes in step indices: graph inputs are written before step 0, outputs read after the last.
        Map<String, int[]> life = new LinkedHashMap<>();
        for (TensorSpec input : graph.inputs()) {
            life.put(input.name(), new int[] {0, 0});
        }
        for (int s = 0; s < scheduled.size(); s++) {
            Node node = scheduled.get(s).node();
            for (String input : node.inputs()) {
                int[] span = input.isEmpty() ? null : life.get(input);
                if (span != null) {
                    span[1] = Math.max(span[1], s);
                }
            }
            for (String output : node.outputs()) {
                if (!output.isEmpty()) {
                    life.put(output, new int[] {s, s});
                }
            }
        }
        for (TensorSpec output : graph.outputs()) {
            int[] span = life.get(output.name());
            if (span != null) {
                span[1] = scheduled.size();
            } else if (!known.containsKey(output.name())) {
                throw new ModelLoadException(Code.INVALID_GRAPH, "graph output '" + output.name() + "' is never produced");
            }
        }

        List<Slot> slots = new ArrayList<>();
        Map<String, Integer> slotOf = new HashMap<>();
        List<MemoryLayout.Request> requests = new ArrayList<>();
        List<String> arenaValues = new ArrayList<>(life.keySet());
        for (String name : arenaValues) {
            TensorType t = types.get(name);
            int[] span = life.get(name);
            requests.add(new MemoryLayout.Request(Storage.of(t.type()), t.size(), span[0], span[1]));
        }
        MemoryLayout layout = MemoryLayout.place(requests);
        for (int i = 0; i < arenaValues.size(); i++) {
            String name = arenaValues.get(i);
            TensorType t = types.get(name);
            slotOf.put(name, slots.size());
            slots.add(new Slot(name, t, null, Storage.of(t.type()), layout.offset(i)));
        }

        List<Step> steps = new ArrayList<>();
        for (PreparedNode prepared : scheduled) {
            Node node = prepared.node();
            steps.add(new Step(prepared, slotIndices(node.inputs(), slotOf, slots, known, types),
                    slotIndices(node.outputs(), slotOf, slots, known, types)));
        }
        Map<String, Integer> inputSlots = new LinkedHashMap<>();
        graph.inputs().forEach(input -> inputSlots.put(input.name(), slotOf.get(input.name())));
        Map<String, Integer> outputSlots = new LinkedHashMap<>();
        for (TensorSpec output : graph.outputs()) {
            outputSlots.put(output.name(), slotIndices(List.of(output.name()), slotOf, slots, known, types)[0]);
        }
        return new ExecutionPlan(slots, steps, inputSlots, outputSlots, layout);
    }

    /** Slot numbers for names; -1 for omitted ones; known values get constant slots on first use. */
    private static int[] slotIndices(List<String> names, Map<String, Integer> slotOf, List<Slot> slots,
                                     Map<String, Value> known, Map<String, TensorType> types) {
        int[] indices = new int[names.size()];
        for (int i = 0; i < indices.length; i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                indices[i] = -1;
                continue;
            }
            Integer slot = slotOf.get(name);
            if (slot == null) {
                Value constant = known.get(name);
                slot = slots.size();
                slots.add(new Slot(name, types.get(name), constant, null, 0));
                slotOf.put(name, slot);
            }
            indices[i] = slot;
        }
        return indices;
    }

    private static int countNonEmpty(List<String> names) {
        int n = 0;
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).isEmpty()) {
                n = i + 1;
            }
        }
        return n;
    }

    /** Peak bytes of intermediate values (and inputs and outputs) one run holds. */
    public long activationBytes() {
        return activationBytes;
    }

    public int stepCount() {
        return steps.size();
    }

    /** Runs the plan on {@code inputs} (already checked against the model's specs). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Arena arena = pool.poll();
        if (arena == null) {
            arena = new Arena();
        }
        try {
            for (Map.Entry<String, Integer> input : inputSlots.entrySet()) {
                arena.views[input.getValue()].copyFrom(inputs.get(input.getKey()));
            }
            for (int s = 0; s < steps.size(); s++) {
                steps.get(s).node().operator().run(arena.stepInputs[s], arena.stepOutputs[s]);
            }
            Map<String, Tensor> results = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> output : outputSlots.entrySet()) {
                results.put(output.getKey(), arena.views[output.getValue()].toTensor());
            }
            return results;
        } finally {
            pool.add(arena);
        }
    }

    /** One run's memory: an array per storage kind and a view per slot into it. */
    private final class Arena {
        final Value[] views = new Value[slots.size()];
        final Value[][] stepInputs = new Value[steps.size()][];
        final Value[][] stepOutputs = new Value[steps.size()][];

        Arena() {
            Map<Storage, Object> arrays = new EnumMap<>(Storage.class);
            for (Map.Entry<Storage, Integer> size : arenaSizes.entrySet()) {
                arrays.put(size.getKey(), size.getKey().allocate(size.getValue()));
            }
            for (int i = 0; i < views.length; i++) {
                Slot slot = slots.get(i);
                views[i] = slot.constant() != null ? slot.constant()
                        : new Value(slot.type().type(), slot.type().shape(), arrays.get(slot.storage()), slot.offset());
            }
            for (int s = 0; s < steps.size(); s++) {
                stepInputs[s] = viewsOf(steps.get(s).inputs());
                stepOutputs[s] = viewsOf(steps.get(s).outputs());
            }
        }

        private Value[] viewsOf(int[] indices) {
            Value[] values = new Value[indices.length];
            for (int i = 0; i < indices.length; i++) {
                values[i] = indices[i] < 0 ? null : views[indices[i]];
            }
            return values;
        }
    }
}
