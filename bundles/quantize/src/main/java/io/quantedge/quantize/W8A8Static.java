package io.quantedge.quantize;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.calibration.ValueRange;
import io.quantedge.quantize.graph.GraphEdits;
import io.quantedge.quantize.graph.LinearQuantization;
import io.quantedge.quantize.graph.LinearQuantization.Affine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * W8A8 static quantization in QDQ form, as ONNX Runtime's {@code quantize_static} writes it (S8S8):
 * <ul>
 * <li>weights of Conv, Gemm and MatMul: int8 initializers, symmetric (zero point 0, codes -127..127),
 *     one scale per output channel (Conv axis 0, Gemm axis 0 with transB, MatMul the last axis) or
 *     per tensor, each followed by a DequantizeLinear;</li>
 * <li>biases of Conv and Gemm: int32 at {@code input_scale * weight_scale}, zero point 0;</li>
 * <li>activations: int8, asymmetric, per tensor, a QuantizeLinear/DequantizeLinear pair on the graph
 *     input and on every output of a quantized node; MaxPool, Flatten, Reshape, Transpose, Squeeze
 *     and Unsqueeze outputs reuse their input's parameters (they only move values).</li>
 * </ul>
 * Runtimes fuse DequantizeLinear, op, QuantizeLinear into integer kernels. Ops without a quantized
 * form here stay in float and are named in the notes. A graph output keeps its name: the node that
 * produced it writes {@code NAME_QuantizeInput} and the last DequantizeLinear writes {@code NAME}.
 */
public final class W8A8Static implements Scheme {

    private static final Set<String> WEIGHTED = Set.of("Conv", "Gemm", "MatMul");
    private static final Set<String> SAME_RANGE = Set.of("MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze",
            "Unsqueeze");
    private static final Set<String> ACTIVATION_OPS = Set.of("Relu", "Clip", "AveragePool", "GlobalAveragePool",
            "Add", "Concat");
    /** Ops whose every float input is data (the others read data from input 0 only). */
    private static final Set<String> ALL_INPUTS_DATA = Set.of("Add", "Concat", "MatMul");
    /** Ops that carry no float data, not worth a note. */
    private static final Set<String> NOT_DATA = Set.of("Constant", "Shape", "Size", "ConstantOfShape");

    /**
     * Default-domain ops whose first output is not of their first input's type; every other
     * default-domain op with a float first input is taken to give a float first output, so the
     * activations after a float op quantization does not touch (Softmax, LayerNormalization) are
     * still known to be float.
     */
    private static final Set<String> TYPE_CHANGING = Set.of("Shape", "Size", "Cast", "CastLike", "ArgMax", "ArgMin",
            "QuantizeLinear", "DynamicQuantizeLinear", "NonZero", "Equal", "Greater", "GreaterOrEqual", "Less",
            "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "ConstantOfShape", "MatMulInteger",
            "ConvInteger", "QLinearConv", "QLinearMatMul", "EyeLike", "OneHot", "Range", "If", "Loop", "Scan");

    private final Granularity granularity;
    private final Set<String> floatNodes;

    public W8A8Static(Granularity granularity) {
        this(granularity, Set.of());
    }

    /**
     * Leaves the nodes named in {@code floatNodes} in FP32 as if W8A8 had no quantized form of them:
     * they read the float values before any QuantizeLinear, and their outputs get no QDQ of their own.
     * Mixed precision keeps sensitive layers this way; sensitivity leaves all but one node in float.
     */
    public W8A8Static(Granularity granularity, Set<String> floatNodes) {
        this.granularity = granularity;
        this.floatNodes = Set.copyOf(floatNodes);
    }

    /** The same scheme leaving the named nodes in FP32 (replacing any set given before). */
    public W8A8Static keepingFloat(Set<String> nodes) {
        return new W8A8Static(granularity, nodes);
    }

    public Set<String> floatNodes() {
        return floatNodes;
    }

    /** The Conv, Gemm and MatMul nodes this scheme quantizes in {@code graph}, in graph order. */
    public List<Node> weightedLayers(Graph graph) throws QuantizeException {
        Plan plan = Plan.of(graph, floatNodes);
        return graph.nodes().stream()
                .filter(n -> plan.quantizedNodes.contains(n.name()) && WEIGHTED.contains(n.opType())).toList();
    }

    @Override
    public String name() {
        return granularity == Granularity.PER_CHANNEL ? "w8a8-per-channel" : "w8a8-per-tensor";
    }

    @Override
    public Set<String> valuesToCalibrate(Graph graph) throws QuantizeException {
        Plan plan = Plan.of(graph, floatNodes);
        Set<String> values = new LinkedHashSet<>();
        for (String value : plan.quantized) {
            if (!plan.sharesWith.containsKey(value)) {
                values.add(value);
            }
        }
        return values;
    }

    @Override
    public Quantized quantize(Graph graph, Map<String, ValueRange> ranges, Map<String, float[]> biasShift)
            throws QuantizeException {
        Plan plan = Plan.of(graph, floatNodes);
        Granularity weights = granularity;
        List<String> notes = new ArrayList<>(plan.notes);
        if (weights == Granularity.PER_CHANNEL && graph.opset("") < 13) {
            weights = Granularity.PER_TENSOR;
            notes.add("weights quantized per tensor: per-channel DequantizeLinear needs opset 13, the model has "
                    + graph.opset(""));
        }
        return new Rewrite(graph, plan, ranges, biasShift, weights, notes).run();
    }

    /** What gets quantized: decided from the graph alone, so calibration and rewriting agree. */
    private static final class Plan {
        final Set<String> quantizedNodes = new HashSet<>();
        final Set<String> quantized = new LinkedHashSet<>();
        final Map<String, String> sharesWith = new HashMap<>();
        final List<String> notes = new ArrayList<>();

        static Plan of(Graph graph, Set<String> floatNodes) throws QuantizeException {
            int opset = graph.opset("");
            if (opset < 10) {
                throw new QuantizeException(Code.UNSUPPORTED, "the model imports opset " + opset
                        + " of the default domain; QuantizeLinear needs opset 10 or later");
            }
            Plan plan = new Plan();
            Set<String> floats = new HashSet<>();
            graph.inputs().stream().filter(i -> i.type() == DataType.FP32).forEach(i -> floats.add(i.name()));
            Map<String, Tensor> constants = graph.initializers();
            for (Node node : graph.nodes()) {
                String op = node.opType();
                boolean chosenFloat = floatNodes.contains(node.name());
                boolean known = !chosenFloat && node.domain().isEmpty()
                        && (WEIGHTED.contains(op) || SAME_RANGE.contains(op) || ACTIVATION_OPS.contains(op));
                String data = node.input(0).orElse("");
                boolean floatData = floats.contains(data);
                if (!known || !floatData) {
                    if (floatData && node.domain().isEmpty() && !TYPE_CHANGING.contains(op) && !node.outputs().isEmpty()) {
                        floats.add(node.outputs().get(0));
                    }
                    if (chosenFloat) {
                        if (WEIGHTED.contains(op)) {
                            plan.notes.add(node.qualifiedOpType() + " '" + node.name() + "' kept in FP32 by choice");
                        }
                    } else if (!NOT_DATA.contains(op) && node.inputs().stream().anyMatch(floats::contains)) {
                        plan.notes.add(node.qualifiedOpType() + " '" + node.name() + "' left in float: "
                                + (known ? "its input is not a float activation" : "W8A8 has no quantized form of "
                                + node.qualifiedOpType()));
                    }
                    continue;
                }
                if ((op.equals("Conv") || op.equals("Gemm")) && !isFloatConstant(constants, node.input(1).orElse(""))) {
                    plan.notes.add(node + " left in float: its weights are not a constant");
                    continue;
                }
                plan.quantizedNodes.add(node.name());
                for (int i = 0; i < node.inputs().size(); i++) {
                    String input = node.inputs().get(i);
                    if ((i == 0 || ALL_INPUTS_DATA.contains(op)) && floats.contains(input)) {
                        plan.quantized.add(input);
                    }
                }
                String output = node.outputs().get(0);
                floats.add(output);
                plan.quantized.add(output);
                if (SAME_RANGE.contains(op)) {
                    plan.sharesWith.put(output, plan.sharesWith.getOrDefault(data, data));
                }
            }
            if (floatNodes.isEmpty() && plan.quantizedNodes.stream().noneMatch(n -> graph.nodes().stream()
                    .anyMatch(node -> node.name().equals(n) && WEIGHTED.contains(node.opType())))) {
                throw new QuantizeException(Code.UNSUPPORTED, "the model has no Conv, Gemm or MatMul on float activations"
                        + " that W8A8 could quantize");
            }
            return plan;
        }

        private static boolean isFloatConstant(Map<String, Tensor> constants, String name) {
            Tensor t = constants.get(name);
            return t != null && t.type() == DataType.FP32;
        }
    }

    /** One application of the plan with given ranges. */
    private static final class Rewrite {
        private final Graph graph;
        private final Plan plan;
        private final Map<String, ValueRange> ranges;
        private final Map<String, float[]> biasShift;
        private final Granularity weights;
        private final List<String> notes;
        private final Set<String> graphOutputs = new HashSet<>();
        private final Map<String, Tensor> initializers;
        private final Map<String, Affine> params = new HashMap<>();
        private final Map<String, float[]> weightScales = new HashMap<>();
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> emitted = new HashSet<>();
        private final List<Layer> layers = new ArrayList<>();

        Rewrite(Graph graph, Plan plan, Map<String, ValueRange> ranges, Map<String, float[]> biasShift,
                Granularity weights, List<String> notes) {
            this.graph = graph;
            this.plan = plan;
            this.ranges = ranges;
            this.biasShift = biasShift;
            this.weights = weights;
            this.notes = notes;
            this.initializers = new LinkedHashMap<>(graph.initializers());
            graph.outputs().forEach(o -> graphOutputs.add(o.name()));
        }

        Quantized run() throws QuantizeException {
            for (String value : plan.quantized) {
                String source = plan.sharesWith.getOrDefault(value, value);
                if (!params.containsKey(source)) {
                    ValueRange range = ranges.get(source);
                    if (range == null) {
                        throw new IllegalArgumentException("no calibrated range for '" + source + "'");
                    }
                    params.put(source, LinearQuantization.activation(range));
                    Affine a = params.get(source);
                    initializers.put(scaleName(source), Tensor.ofFloats(Shape.scalar(), a.scale()));
                    initializers.put(zeroName(source), Tensor.ofBytes(DataType.INT8, Shape.scalar(), (byte) a.zeroPoint()));
                }
            }
            for (TensorSpec input : graph.inputs()) {
                if (plan.quantized.contains(input.name())) {
                    emitQdq(input.name());
                }
            }
            for (Node node : graph.nodes()) {
                if (plan.quantizedNodes.contains(node.name())) {
                    rewriteQuantized(node);
                } else {
                    List<String> inputs = node.inputs().stream().map(this::floatName).toList();
                    nodes.add(new Node(node.name(), node.domain(), node.opType(), inputs, outputsOf(node), node.attributes()));
                }
                for (String output : node.outputs()) {
                    if (plan.quantized.contains(output)) {
                        emitQdq(output);
                    }
                }
            }
            Graph result = GraphEdits.withoutUnread(graph, nodes, initializers, graph.outputs());
            return new Quantized(result, layers, notes);
        }

        private void rewriteQuantized(Node node) throws QuantizeException {
            List<String> inputs = new ArrayList<>();
            for (String input : node.inputs()) {
                inputs.add(plan.quantized.contains(input) ? dequantizedName(input) : input);
            }
            String op = node.opType();
            if (WEIGHTED.contains(op)) {
                String weight = node.input(1).orElse("");
                Tensor w = initializers.get(weight);
                if (w != null && w.type() == DataType.FP32 && !plan.quantized.contains(weight)) {
                    int axis = weightAxis(node, w);
                    inputs.set(1, quantizeWeight(weight, w, axis));
                    String output = node.outputs().get(0);
                    int channelAxis = op.equals("Conv") ? 1 : -1;
                    layers.add(new Layer(node.name(), op, output, floatName(output), channelAxis));
                    quantizeBias(node, inputs, weight, axis, outputChannels(node, w));
                }
            }
            nodes.add(new Node(node.name(), node.domain(), op, inputs, outputsOf(node), node.attributes()));
        }

        private static int outputChannels(Node node, Tensor w) {
            return switch (node.opType()) {
                case "Conv" -> w.shape().dim(0);
                case "Gemm" -> w.shape().dim(node.attribute("transB").map(Attribute::asInt).orElse(0L) != 0 ? 0 : 1);
                default -> w.shape().dim(-1);
            };
        }

        /** The output channel axis of a weight, or -1 when only per-tensor scales fit. */
        private int weightAxis(Node node, Tensor w) {
            if (weights == Granularity.PER_TENSOR) {
                return -1;
            }
            return switch (node.opType()) {
                case "Conv" -> 0;
                case "Gemm" -> node.attribute("transB").map(Attribute::asInt).orElse(0L) != 0 ? 0 : 1;
                default -> w.shape().rank() == 2 ? 1 : -1;
            };
        }

        private String quantizeWeight(String name, Tensor w, int axis) {
            String dequantized = name + "_DequantizeLinear_Output";
            if (!emitted.add(dequantized)) {
                return dequantized;
            }
            int channels = axis < 0 ? 1 : w.shape().dim(axis);
            LinearQuantization.SymmetricInt8 quantized = LinearQuantization.symmetricInt8(w.toFloatArray(),
                    w.shape().dims(), axis);
            float[] scales = quantized.scales();
            byte[] codes = quantized.codes();
            weightScales.put(name, scales);
            Shape paramShape = axis < 0 ? Shape.scalar() : Shape.of(channels);
            initializers.put(name + "_quantized", Tensor.ofBytes(DataType.INT8, w.shape(), codes));
            initializers.put(name + "_scale", Tensor.ofFloats(paramShape, scales));
            initializers.put(name + "_zero_point", Tensor.ofBytes(DataType.INT8, paramShape, new byte[channels]));
            nodes.add(new Node(name + "_DequantizeLinear", "", "DequantizeLinear",
                    List.of(name + "_quantized", name + "_scale", name + "_zero_point"), List.of(dequantized),
                    axis < 0 ? Map.of() : Map.of("axis", Attribute.ofInt(axis))));
            return dequantized;
        }

        /** Replaces a float bias constant with int32 codes; a bias correction may add a bias where none was. */
        private void quantizeBias(Node node, List<String> inputs, String weight, int axis, int channels) {
            String op = node.opType();
            if (op.equals("MatMul")) {
                return;
            }
            float[] shift = biasShift.get(node.name());
            String biasName = node.input(2).orElse("");
            Tensor bias = initializers.get(biasName);
            if (op.equals("Gemm") && (node.attribute("alpha").map(Attribute::asFloat).orElse(1f) != 1f
                    || node.attribute("beta").map(Attribute::asFloat).orElse(1f) != 1f)) {
                notes.add(node + ": bias kept in float (alpha or beta is not 1)");
                return;
            }
            if (!biasName.isEmpty() && (bias == null || bias.type() != DataType.FP32 || bias.shape().rank() != 1
                    || bias.elementCount() != channels)) {
                notes.add(node + ": bias kept in float (not a constant of one value per output channel)");
                return;
            }
            float[] b = bias == null ? new float[channels] : bias.toFloatArray();
            if (bias == null && shift == null) {
                return;
            }
            if (shift != null) {
                for (int c = 0; c < channels; c++) {
                    b[c] += shift[c];
                }
            }
            Affine in = params.get(plan.sharesWith.getOrDefault(node.inputs().get(0), node.inputs().get(0)));
            float[] weightScale = weightScales.get(weight);
            float[] scales = new float[channels];
            int[] codes = new int[channels];
            for (int c = 0; c < channels; c++) {
                scales[c] = in.scale() * weightScale[axis < 0 ? 0 : c];
                codes[c] = LinearQuantization.quantizeInt32(b[c], scales[c]);
            }
            String name = biasName.isEmpty() ? node.name() + "_bias" : biasName;
            String dequantized = name + "_DequantizeLinear_Output";
            initializers.put(name + "_quantized", Tensor.ofInts(Shape.of(channels), codes));
            initializers.put(name + "_quantized_scale", Tensor.ofFloats(Shape.of(channels), scales));
            initializers.put(name + "_quantized_zero_point", Tensor.ofInts(Shape.of(channels), new int[channels]));
            nodes.add(new Node(name + "_DequantizeLinear", "", "DequantizeLinear",
                    List.of(name + "_quantized", name + "_quantized_scale", name + "_quantized_zero_point"),
                    List.of(dequantized), Map.of("axis", Attribute.ofInt(0))));
            while (inputs.size() < 3) {
                inputs.add("");
            }
            inputs.set(2, dequantized);
        }

        private void emitQdq(String value) {
            String source = plan.sharesWith.getOrDefault(value, value);
            String quantizedValue = value + "_QuantizeLinear_Output";
            nodes.add(new Node(value + "_QuantizeLinear", "", "QuantizeLinear",
                    List.of(floatName(value), scaleName(source), zeroName(source)), List.of(quantizedValue), Map.of()));
            nodes.add(new Node(value + "_DequantizeLinear", "", "DequantizeLinear",
                    List.of(quantizedValue, scaleName(source), zeroName(source)), List.of(dequantizedName(value)), Map.of()));
        }

        private List<String> outputsOf(Node node) {
            return node.outputs().stream().map(this::floatName).toList();
        }

        /** Where the float value is: renamed when it is a quantized graph output. */
        private String floatName(String value) {
            return plan.quantized.contains(value) && graphOutputs.contains(value) ? value + "_QuantizeInput" : value;
        }

        private String dequantizedName(String value) {
            return graphOutputs.contains(value) ? value : value + "_DequantizeLinear_Output";
        }

        private static String scaleName(String value) {
            return value + "_scale";
        }

        private static String zeroName(String value) {
            return value + "_zero_point";
        }
    }
}
