package io.quantedge.engine.plan;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites QDQ patterns into integer operators, as ONNX Runtime does on CPU:
 * <pre>
 *   DequantizeLinear(x) -+
 *   DequantizeLinear(W) -+-> Conv | MatMul | Gemm -> QuantizeLinear  ==>  QLinearConv | QLinearMatMul | QGemm
 *   DequantizeLinear(b) -+   (b: int32 bias, optional)
 * </pre>
 * W must be a constant, all scales and zero points constants, x and y quantized per tensor, W per
 * tensor or per output channel, and the float result read by nothing but the QuantizeLinear, or by
 * a Relu or Clip that the QuantizeLinear's range makes redundant (then it is dropped). A float
 * bias (as PyTorch's QAT export leaves it) is quantized to int32 at {@code x_scale * w_scale}, as
 * ONNX Runtime does, so both runtimes compute the same integers. Everything else is left as it is
 * and runs in float between its DequantizeLinear and QuantizeLinear nodes. DequantizeLinear nodes
 * nobody reads any more are dropped; those still read (a shared weight, say) stay.
 */
public final class QdqFusion {

    /** The engine's own domain, for fused ops ONNX has no standard name for. */
    public static final String DOMAIN = "io.quantedge";

    /** Nodes after fusion, and what was fused, one line each, for the model report. */
    public record Result(List<Node> nodes, List<String> fused) {
    }

    /** Makes the lookup table of a quantized elementwise activation (see ActivationTables). */
    @FunctionalInterface
    interface Tables {
        Optional<Value> table(Node activation, DataType inType, float inScale, int inZero, DataType outType,
                              float outScale, int outZero);
    }

    /** Elementwise activations fused as 256-entry lookups. */
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh",
            "HardSigmoid", "HardSwish", "Erf", "Sqrt", "Exp", "Abs", "Neg");

    /** The nodes a fused pattern ends with and replaces: an optional redundant Relu/Clip, then the Q. */
    private record Tail(Node quantize, Node activation) {
    }

    /**
     * Where a fused op's quantized input comes from: a DequantizeLinear, possibly followed by ops
     * that only move or select values (MaxPool, Flatten, Reshape...), which can then run on the
     * integers themselves, since they commute with the affine (de)quantization.
     */
    private record Source(Node dequantize, List<Node> chain) {
        String quantizedValue() {
            return chain.isEmpty() ? dequantize.inputs().get(0) : chain.get(chain.size() - 1).outputs().get(0);
        }
    }

    private static final Set<String> VALUE_MOVING = Set.of("MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze",
            "Unsqueeze");

    private final Map<String, Value> constants;
    private final Set<String> graphOutputs;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private QdqFusion(List<Node> nodes, Map<String, Value> constants, Set<String> graphOutputs) {
        this.constants = constants;
        this.graphOutputs = graphOutputs;
        for (Node node : nodes) {
            node.outputs().forEach(o -> producers.put(o, node));
            node.inputs().forEach(i -> consumers.computeIfAbsent(i, key -> new ArrayList<>()).add(node));
        }
    }

    public static Result apply(List<Node> ordered, Map<String, Value> constants, Set<String> graphOutputs) {
        return apply(ordered, constants, graphOutputs, (a, it, is, iz, ot, os, oz) -> Optional.empty());
    }

    static Result apply(List<Node> ordered, Map<String, Value> constants, Set<String> graphOutputs, Tables tables) {
        QdqFusion fusion = new QdqFusion(ordered, constants, graphOutputs);
        Map<Node, Node> replaced = new LinkedHashMap<>();
        List<Node> removed = new ArrayList<>();
        List<String> fused = new ArrayList<>();
        for (Node node : ordered) {
            if (!node.domain().isEmpty()) {
                continue;
            }
            if (removed.contains(node)) {
                continue;
            }
            Optional<Node> simple = ACTIVATIONS.contains(node.opType()) ? fusion.fuseActivation(node, tables)
                    : switch (node.opType()) {
                        case "Add", "Mul" -> fusion.fuseBinary(node);
                        case "AveragePool", "GlobalAveragePool" -> fusion.fuseAveragePool(node);
                        default -> VALUE_MOVING.contains(node.opType()) ? fusion.fuseValueMoving(node) : Optional.empty();
                    };
            if (simple.isPresent()) {
                replaced.put(node, simple.get());
                removed.add(fusion.soleReader(node.outputs().get(0)).orElseThrow());
                fused.add(node.opType() + " '" + node.name() + "' -> " + simple.get().qualifiedOpType());
                continue;
            }
            Optional<Node> integer = switch (node.opType()) {
                case "Conv", "MatMul", "Gemm" -> fusion.fuse(node);
                default -> Optional.empty();
            };
            integer.ifPresent(f -> {
                Tail tail = fusion.tail(node).orElseThrow();
                Source source = fusion.quantizedSource(node.inputs().get(0)).orElseThrow();
                if (!source.chain().isEmpty()) {
                    // The first value-moving op now reads the integers instead of their dequantized form.
                    Node first = source.chain().get(0);
                    List<String> inputs = new ArrayList<>(first.inputs());
                    inputs.set(0, source.dequantize().inputs().get(0));
                    replaced.put(first, new Node(first.name(), first.domain(), first.opType(), inputs, first.outputs(),
                            first.attributes()));
                }
                replaced.put(node, f);
                removed.add(tail.quantize());
                if (tail.activation() != null) {
                    removed.add(tail.activation());
                }
                fused.add(node.opType() + " '" + node.name() + "'"
                        + (tail.activation() == null ? "" : " + " + tail.activation().opType()) + " -> "
                        + f.qualifiedOpType());
            });
        }
        List<Node> result = new ArrayList<>();
        for (Node node : ordered) {
            if (!removed.contains(node)) {
                result.add(replaced.getOrDefault(node, node));
            }
        }
        return new Result(dropUnread(result, graphOutputs), fused);
    }

    private Optional<Node> fuse(Node node) {
        Optional<Source> source = node.input(0).flatMap(this::quantizedSource);
        Optional<Node> dx = source.map(Source::dequantize);
        Optional<Node> dw = dequantize(node.input(1));
        Optional<Tail> tail = tail(node);
        if (dx.isEmpty() || dw.isEmpty() || tail.isEmpty()) {
            return Optional.empty();
        }
        Node q = tail.get().quantize();
        if (!perTensor(dx.get()) || !perTensor(q) || !quantizedTo8Bits(dx.get()) || !quantizedTo8Bits(q)
                || !constant(dw.get().inputs().get(0)) || !quantizedTo8Bits(dw.get())) {
            return Optional.empty();
        }
        Value weight = constants.get(dw.get().inputs().get(0));
        String bias = "";
        if (node.input(2).isPresent()) {
            Optional<Node> db = dequantize(node.input(2));
            if (db.isPresent() && constant(db.get().inputs().get(0))
                    && constants.get(db.get().inputs().get(0)).type() == DataType.INT32) {
                bias = db.get().inputs().get(0);
            } else if (db.isEmpty() && constant(node.inputs().get(2))) {
                Optional<String> quantized = quantizeBias(node, dx.get(), dw.get());
                if (quantized.isEmpty()) {
                    return Optional.empty();
                }
                bias = quantized.get();
            } else {
                return Optional.empty();
            }
        }
        List<String> inputs = List.of(source.get().quantizedValue(), dx.get().inputs().get(1), zeroPoint(dx.get()),
                dw.get().inputs().get(0), dw.get().inputs().get(1), zeroPoint(dw.get()), q.inputs().get(1),
                zeroPoint(q), bias);
        List<String> outputs = List.of(q.outputs().get(0));
        return switch (node.opType()) {
            case "Conv" -> weightAxisOk(dw.get(), weight, 0)
                    ? Optional.of(new Node(node.name(), "", "QLinearConv", inputs, outputs, node.attributes()))
                    : Optional.empty();
            case "MatMul" -> bias.isEmpty() && weight.rank() == 2 && weightAxisOk(dw.get(), weight, 1)
                    ? Optional.of(new Node(node.name(), "", "QLinearMatMul", inputs.subList(0, 8), outputs, Map.of()))
                    : Optional.empty();
            default -> fuseGemm(node, dw.get(), weight, inputs, outputs);
        };
    }

    private Optional<Node> fuseGemm(Node gemm, Node dw, Value weight, List<String> inputs, List<String> outputs) {
        boolean transA = intAttr(gemm, "transA", 0) != 0;
        boolean transB = intAttr(gemm, "transB", 0) != 0;
        boolean unitFactors = floatAttr(gemm, "alpha", 1f) == 1f && floatAttr(gemm, "beta", 1f) == 1f;
        if (transA || !unitFactors || weight.rank() != 2 || !weightAxisOk(dw, weight, transB ? 0 : 1)) {
            return Optional.empty();
        }
        return Optional.of(new Node(gemm.name(), DOMAIN, "QGemm", inputs, outputs,
                Map.of("transB", Attribute.ofInt(transB ? 1 : 0))));
    }

    /** The DequantizeLinear feeding a one-input op and the QuantizeLinear reading it, both per tensor in 8 bits. */
    private record Around(Node dq, Node q) {
    }

    /**
     * The per-tensor 8-bit DequantizeLinear before {@code node}'s first input and QuantizeLinear
     * after its only output, when every other input of the node is a constant.
     */
    private Optional<Around> quantizedAround(Node node) {
        Optional<Node> dq = dequantize(node.input(0));
        Optional<Node> q = directQuantize(node);
        if (dq.isEmpty() || q.isEmpty() || !simpleQdq(dq.get()) || !simpleQdq(q.get())
                || node.inputs().stream().skip(1).anyMatch(i -> !i.isEmpty() && !constant(i))) {
            return Optional.empty();
        }
        return Optional.of(new Around(dq.get(), q.get()));
    }

    /** DequantizeLinear -> activation -> QuantizeLinear, all per tensor in 8 bits: a table lookup. */
    private Optional<Node> fuseActivation(Node node, Tables tables) {
        Optional<Around> around = quantizedAround(node);
        if (around.isEmpty()) {
            return Optional.empty();
        }
        Node dq = around.get().dq();
        Node q = around.get().q();
        Value inZero = constants.get(dq.inputs().get(2));
        Value outZero = constants.get(q.inputs().get(2));
        Optional<Value> table = tables.table(node, inZero.type(), scale(dq), (int) inZero.integerAt(0),
                outZero.type(), scale(q), (int) outZero.integerAt(0));
        if (table.isEmpty()) {
            return Optional.empty();
        }
        String name = node.outputs().get(0) + "/lookup_table";
        constants.put(name, table.get());
        return Optional.of(new Node(node.name(), DOMAIN, "QLookup", List.of(dq.inputs().get(0), name), q.outputs(),
                Map.of()));
    }

    /** Two DequantizeLinear -> Add or Mul -> QuantizeLinear, per tensor in 8 bits. */
    private Optional<Node> fuseBinary(Node node) {
        Optional<Node> da = dequantize(node.input(0));
        Optional<Node> db = dequantize(node.input(1));
        Optional<Node> q = directQuantize(node);
        if (da.isEmpty() || db.isEmpty() || q.isEmpty() || !simpleQdq(da.get()) || !simpleQdq(db.get())
                || !simpleQdq(q.get())) {
            return Optional.empty();
        }
        List<String> inputs = List.of(da.get().inputs().get(0), da.get().inputs().get(1), da.get().inputs().get(2),
                db.get().inputs().get(0), db.get().inputs().get(1), db.get().inputs().get(2),
                q.get().inputs().get(1), q.get().inputs().get(2));
        return Optional.of(new Node(node.name(), DOMAIN, "QLinearBinary", inputs, q.get().outputs(),
                Map.of("operation", Attribute.ofString(node.opType()))));
    }

    /** DequantizeLinear -> AveragePool or GlobalAveragePool -> QuantizeLinear: exact integer sums. */
    private Optional<Node> fuseAveragePool(Node node) {
        return quantizedAround(node).map(around -> {
            Node dq = around.dq();
            Node q = around.q();
            Map<String, Attribute> attributes = new java.util.HashMap<>(node.attributes());
            attributes.put("global", Attribute.ofInt(node.opType().equals("GlobalAveragePool") ? 1 : 0));
            return new Node(node.name(), DOMAIN, "QLinearAveragePool", List.of(dq.inputs().get(0), dq.inputs().get(1),
                    dq.inputs().get(2), q.inputs().get(1), q.inputs().get(2)), q.outputs(), attributes);
        });
    }

    /**
     * DequantizeLinear -> MaxPool, Flatten, Reshape, Transpose, Squeeze or Unsqueeze ->
     * QuantizeLinear with the same scale and zero point on both sides: the op runs on the integers
     * themselves, since it only selects or moves values (which commutes with the affine mapping).
     */
    private Optional<Node> fuseValueMoving(Node node) {
        return quantizedAround(node).filter(this::sameQuantization).map(around -> {
            List<String> inputs = new ArrayList<>(node.inputs());
            inputs.set(0, around.dq().inputs().get(0));
            return new Node(node.name(), node.domain(), node.opType(), inputs, around.q().outputs(), node.attributes());
        });
    }

    private boolean sameQuantization(Around around) {
        Value inZero = constants.get(around.dq().inputs().get(2));
        Value outZero = constants.get(around.q().inputs().get(2));
        return scale(around.dq()) == scale(around.q()) && inZero.type() == outZero.type()
                && inZero.integerAt(0) == outZero.integerAt(0);
    }

    /** The QuantizeLinear that alone reads the node's only output. */
    private Optional<Node> directQuantize(Node node) {
        if (node.outputs().size() != 1) {
            return Optional.empty();
        }
        return soleReader(node.outputs().get(0)).filter(r -> isQuantize(r, node.outputs().get(0)));
    }

    /** Per tensor, 8-bit, with an explicit zero point. */
    private boolean simpleQdq(Node qdq) {
        return perTensor(qdq) && quantizedTo8Bits(qdq);
    }

    private float scale(Node qdq) {
        Value s = constants.get(qdq.inputs().get(1));
        return s.floats()[s.offset()];
    }

    /** A per-channel weight must be quantized along its output-channel axis. */
    private boolean weightAxisOk(Node dw, Value weight, int outputAxis) {
        Value scale = constants.get(dw.inputs().get(1));
        if (scale.size() == 1) {
            return true;
        }
        long axis = intAttr(dw, "axis", 1);
        if (axis < 0) {
            axis += weight.rank();
        }
        return axis == outputAxis && intAttr(dw, "block_size", 0) == 0;
    }

    /** The DequantizeLinear behind {@code value}, through value-moving ops each read only on this path. */
    private Optional<Source> quantizedSource(String value) {
        List<Node> chain = new ArrayList<>();
        String current = value;
        while (true) {
            Node producer = producers.get(current);
            if (producer == null) {
                return Optional.empty();
            }
            Optional<Node> dq = dequantize(Optional.of(current));
            if (dq.isPresent()) {
                java.util.Collections.reverse(chain);
                return Optional.of(new Source(dq.get(), chain));
            }
            boolean movesValues = VALUE_MOVING.contains(producer.opType()) && producer.domain().isEmpty()
                    && producer.outputs().size() == 1 && soleReader(current).isPresent()
                    && producer.inputs().stream().skip(1).allMatch(i -> i.isEmpty() || constant(i));
            if (!movesValues) {
                return Optional.empty();
            }
            chain.add(producer);
            current = producer.inputs().get(0);
        }
    }

    private Optional<Node> dequantize(Optional<String> value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Node producer = producers.get(value.get());
        return producer != null && producer.opType().equals("DequantizeLinear") && producer.domain().isEmpty()
                && constantParameters(producer) ? Optional.of(producer) : Optional.empty();
    }

    /**
     * The QuantizeLinear the op's result flows into, directly or through one Relu or Clip that the
     * quantization range makes redundant; each step read by nothing else and no graph output.
     */
    private Optional<Tail> tail(Node node) {
        Optional<Node> next = soleReader(node.outputs().get(0));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Node reader = next.get();
        if (isQuantize(reader, node.outputs().get(0))) {
            return Optional.of(new Tail(reader, null));
        }
        if ((reader.opType().equals("Relu") || reader.opType().equals("Clip")) && reader.domain().isEmpty()) {
            Optional<Node> q = soleReader(reader.outputs().get(0));
            if (q.isPresent() && isQuantize(q.get(), reader.outputs().get(0)) && madeRedundantBy(reader, q.get())) {
                return Optional.of(new Tail(q.get(), reader));
            }
        }
        return Optional.empty();
    }

    private Optional<Node> soleReader(String value) {
        List<Node> readers = consumers.getOrDefault(value, List.of());
        return graphOutputs.contains(value) || readers.size() != 1 ? Optional.empty() : Optional.of(readers.get(0));
    }

    private boolean isQuantize(Node node, String input) {
        return node.opType().equals("QuantizeLinear") && node.domain().isEmpty()
                && node.inputs().get(0).equals(input) && constantParameters(node);
    }

    /**
     * A Relu or Clip before a QuantizeLinear changes nothing when everything it would cut off lies
     * outside what the quantized type can represent anyway.
     */
    private boolean madeRedundantBy(Node activation, Node q) {
        if (!perTensor(q) || !quantizedTo8Bits(q)) {
            return false;
        }
        Value zero = constants.get(q.inputs().get(2));
        double scale = constants.get(q.inputs().get(1)).numberAt(0);
        long zp = zero.integerAt(0);
        double lowest = (zero.type().minValue() - zp) * scale;
        double highest = (zero.type().maxValue() - zp) * scale;
        if (activation.opType().equals("Relu")) {
            return lowest >= 0;
        }
        Optional<Double> min = clipBound(activation, 1, "min");
        Optional<Double> max = clipBound(activation, 2, "max");
        return min.map(m -> m <= lowest).orElse(true) && max.map(m -> m >= highest).orElse(true)
                && clipBoundsKnown(activation);
    }

    private Optional<Double> clipBound(Node clip, int input, String attribute) {
        if (clip.attribute(attribute).isPresent()) {
            return Optional.of((double) clip.attribute(attribute).get().asFloat());
        }
        return clip.input(input).filter(this::constant).map(name -> constants.get(name).numberAt(0));
    }

    private boolean clipBoundsKnown(Node clip) {
        return clip.input(1).map(this::constant).orElse(true) && clip.input(2).map(this::constant).orElse(true);
    }

    /**
     * Quantizes a float bias to int32 at scale x_scale * w_scale[c] (rounding half to even), under a
     * new constant name, as ONNX Runtime's weight/bias quantization does before fusing.
     */
    private Optional<String> quantizeBias(Node node, Node dx, Node dw) {
        Value bias = constants.get(node.inputs().get(2));
        Value wScale = constants.get(dw.inputs().get(1));
        if (bias.type() != DataType.FP32 || bias.rank() != 1 || (wScale.size() != 1 && wScale.size() != bias.size())) {
            return Optional.empty();
        }
        float xScale = constants.get(dx.inputs().get(1)).floats()[constants.get(dx.inputs().get(1)).offset()];
        Value quantized = Value.allocate(DataType.INT32, bias.size());
        for (int c = 0; c < bias.size(); c++) {
            float scale = xScale * wScale.floats()[wScale.offset() + (wScale.size() == 1 ? 0 : c)];
            quantized.ints()[c] = (int) Math.rint(bias.floats()[bias.offset() + c] / scale);
        }
        String name = node.inputs().get(2) + "/quantized_for_" + node.name();
        constants.put(name, quantized);
        return Optional.of(name);
    }

    private boolean constantParameters(Node qdq) {
        return constant(qdq.inputs().get(1)) && (qdq.input(2).isEmpty() || constant(qdq.inputs().get(2)));
    }

    private boolean perTensor(Node qdq) {
        return constants.get(qdq.inputs().get(1)).size() == 1;
    }

    /** The quantized side is int8 or uint8, as its zero point says (required for fusion). */
    private boolean quantizedTo8Bits(Node qdq) {
        if (qdq.input(2).isEmpty()) {
            return false;
        }
        DataType type = constants.get(qdq.inputs().get(2)).type();
        return type == DataType.INT8 || type == DataType.UINT8;
    }

    private static String zeroPoint(Node qdq) {
        return qdq.input(2).orElse("");
    }

    private boolean constant(String value) {
        return constants.containsKey(value);
    }

    private static long intAttr(Node node, String name, long fallback) {
        return node.attribute(name).map(Attribute::asInt).orElse(fallback);
    }

    private static float floatAttr(Node node, String name, float fallback) {
        return node.attribute(name).map(Attribute::asFloat).orElse(fallback);
    }

    /** Drops nodes none of whose outputs is read or a graph output, repeatedly (a DQ feeding only a DQ...). */
    private static List<Node> dropUnread(List<Node> nodes, Set<String> graphOutputs) {
        List<Node> current = nodes;
        while (true) {
            Set<String> read = new java.util.HashSet<>(graphOutputs);
            current.forEach(n -> read.addAll(n.inputs()));
            List<Node> kept = current.stream()
                    .filter(n -> !n.opType().equals("DequantizeLinear") || n.outputs().stream().anyMatch(read::contains))
                    .toList();
            if (kept.size() == current.size()) {
                return current;
            }
            current = kept;
        }
    }
}
