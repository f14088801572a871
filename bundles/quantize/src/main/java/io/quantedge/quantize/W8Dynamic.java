package io.quantedge.quantize;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.calibration.ValueRange;
import io.quantedge.quantize.graph.GraphEdits;
import io.quantedge.quantize.graph.LinearQuantization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * W8 weights with dynamic activations, as ONNX Runtime's {@code quantize_dynamic} writes it: every
 * MatMul with a constant 2-D weight and every Gemm becomes
 * <pre>
 * DynamicQuantizeLinear(x) -> MatMulInteger(x_q uint8, W int8 [K,N], x_zero_point, w_zero_point)
 *     -> Cast(float) -> Mul(x_scale * w_scale) [-> Add(bias)]
 * </pre>
 * The weights are int8, symmetric (zero point 0, codes -127..127), one scale per column N
 * (per-channel, {@code w_zero_point} a 1-D int8 zero vector of N) or one per tensor. The
 * activation's range is measured by the runtime on each input tensor, so nothing is calibrated; in
 * exchange, results depend on what is in the batch. Several layers reading one value share its
 * DynamicQuantizeLinear. Conv stays FP32: ConvInteger with int8 weights has no CPU kernel in ONNX
 * Runtime, so a portable file keeps it in float (named in the notes).
 */
public final class W8Dynamic implements Scheme {

    /** TensorProto.DataType FLOAT, the value of Cast's {@code to}. */
    private static final long ONNX_FLOAT = 1;

    private final Granularity granularity;

    public W8Dynamic(Granularity granularity) {
        this.granularity = granularity;
    }

    @Override
    public String name() {
        return granularity == Granularity.PER_CHANNEL ? "w8-dynamic-per-channel" : "w8-dynamic-per-tensor";
    }

    @Override
    public Set<String> valuesToCalibrate(Graph graph) {
        return Set.of();
    }

    /** Bias shifts are ignored: dynamic quantization has no calibration data to measure them on. */
    @Override
    public Quantized quantize(Graph graph, Map<String, ValueRange> ranges, Map<String, float[]> biasShift)
            throws QuantizeException {
        int opset = graph.opset("");
        if (opset < 11) {
            throw new QuantizeException(Code.UNSUPPORTED, "the model imports opset " + opset
                    + " of the default domain; DynamicQuantizeLinear needs opset 11 or later");
        }
        return new Rewrite(graph).run();
    }

    private final class Rewrite {
        private final Graph graph;
        private final Map<String, Tensor> initializers;
        private final Set<String> names = new HashSet<>();
        private final List<Node> nodes = new ArrayList<>();
        private final List<Layer> layers = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        /** Per float value, its DynamicQuantizeLinear outputs: quantized, scale, zero point. */
        private final Map<String, List<String>> quantizedInputs = new HashMap<>();
        /** Per weight (and whether it was transposed), its int8 codes, scale and zero point. */
        private final Map<String, List<String>> quantizedWeights = new HashMap<>();

        Rewrite(Graph graph) {
            this.graph = graph;
            this.initializers = new LinkedHashMap<>(graph.initializers());
            names.addAll(initializers.keySet());
            graph.inputs().forEach(i -> names.add(i.name()));
            for (Node node : graph.nodes()) {
                names.add(node.name());
                names.addAll(node.inputs());
                names.addAll(node.outputs());
            }
        }

        Quantized run() throws QuantizeException {
            for (Node node : graph.nodes()) {
                String why = reasonToKeep(node);
                if (why == null) {
                    rewrite(node);
                } else {
                    if (!why.isEmpty()) {
                        notes.add(node.qualifiedOpType() + " '" + node.name() + "' left in FP32: " + why);
                    }
                    nodes.add(node);
                }
            }
            if (layers.isEmpty()) {
                throw new QuantizeException(Code.UNSUPPORTED, "the model has no MatMul with a constant weight and no"
                        + " Gemm that dynamic quantization could quantize");
            }
            Graph result = GraphEdits.withoutUnread(graph, nodes, initializers, graph.outputs());
            return new Quantized(result, layers, notes);
        }

        /** Null when the node is quantized; otherwise why not (empty: not a layer, nothing to say). */
        private String reasonToKeep(Node node) {
            if (!node.domain().isEmpty()) {
                return "";
            }
            String op = node.opType();
            if (op.equals("Conv")) {
                return "dynamic quantization covers MatMul and Gemm (ONNX Runtime has no CPU ConvInteger for int8"
                        + " weights); use W8A8 static for convolutions";
            }
            if (!op.equals("MatMul") && !op.equals("Gemm")) {
                return "";
            }
            String data = node.input(0).orElse("");
            Tensor weight = initializers.get(node.input(1).orElse(""));
            if (data.isEmpty() || initializers.containsKey(data)) {
                return "its first input is a constant";
            }
            if (weight == null) {
                return op.equals("MatMul") ? "both inputs are activations; only constant weights are quantized"
                        : "its weights are not a constant";
            }
            if (weight.type() != DataType.FP32 || weight.shape().rank() != 2) {
                return "its weights are not a 2-D float constant";
            }
            if (op.equals("Gemm")) {
                if (node.attribute("transA").map(Attribute::asInt).orElse(0L) != 0) {
                    return "transA is set";
                }
                float beta = node.attribute("beta").map(Attribute::asFloat).orElse(1f);
                String c = node.input(2).orElse("");
                if (beta != 1f && !c.isEmpty() && !isFloatConstant(c)) {
                    return "beta is not 1 and C is not a constant";
                }
            }
            return null;
        }

        private boolean isFloatConstant(String name) {
            Tensor t = initializers.get(name);
            return t != null && t.type() == DataType.FP32;
        }

        private void rewrite(Node node) {
            boolean gemm = node.opType().equals("Gemm");
            boolean transB = gemm && node.attribute("transB").map(Attribute::asInt).orElse(0L) != 0;
            float alpha = gemm ? node.attribute("alpha").map(Attribute::asFloat).orElse(1f) : 1f;
            String output = node.outputs().get(0);
            List<String> x = dynamicQuantize(node.inputs().get(0));
            List<String> w = quantizeWeight(node.inputs().get(1), transB, alpha);
            String prefix = node.name().isEmpty() ? output : node.name();
            String product = unique(prefix + "_MatMulInteger_output");
            nodes.add(new Node(unique(prefix + "_MatMulInteger"), "", "MatMulInteger",
                    List.of(x.get(0), w.get(0), x.get(2), w.get(2)), List.of(product), Map.of()));
            String asFloat = unique(prefix + "_Cast_output");
            nodes.add(new Node(unique(prefix + "_Cast"), "", "Cast", List.of(product), List.of(asFloat),
                    Map.of("to", Attribute.ofInt(ONNX_FLOAT))));
            String scale = unique(prefix + "_scale_product");
            nodes.add(new Node(unique(prefix + "_scales_Mul"), "", "Mul", List.of(x.get(1), w.get(1)), List.of(scale),
                    Map.of()));
            String bias = gemm ? bias(node) : "";
            String scaled = bias.isEmpty() ? output : unique(prefix + "_Mul_output");
            nodes.add(new Node(unique(prefix + "_output_Mul"), "", "Mul", List.of(asFloat, scale), List.of(scaled),
                    Map.of()));
            if (!bias.isEmpty()) {
                nodes.add(new Node(unique(prefix + "_bias_Add"), "", "Add", List.of(scaled, bias), List.of(output),
                        Map.of()));
            }
            layers.add(new Layer(node.name(), node.opType(), output, output, -1));
        }

        /** Gemm's C times beta (a new constant when beta is not 1); empty when there is none. */
        private String bias(Node node) {
            String c = node.input(2).orElse("");
            float beta = node.attribute("beta").map(Attribute::asFloat).orElse(1f);
            if (c.isEmpty() || beta == 1f) {
                return c;
            }
            Tensor t = initializers.get(c);
            float[] values = t.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] *= beta;
            }
            String name = unique(c + "_times_beta");
            initializers.put(name, Tensor.ofFloats(t.shape(), values));
            return name;
        }

        private List<String> dynamicQuantize(String value) {
            return quantizedInputs.computeIfAbsent(value, v -> {
                List<String> outputs = List.of(unique(v + "_quantized"), unique(v + "_scale"),
                        unique(v + "_zero_point"));
                nodes.add(new Node(unique(v + "_DynamicQuantizeLinear"), "", "DynamicQuantizeLinear", List.of(v),
                        outputs, Map.of()));
                return outputs;
            });
        }

        /**
         * The weight as int8 [K, N] with its scale and zero point. {@code alpha} (Gemm) is folded into
         * the scale, which multiplies the integer product anyway.
         */
        private List<String> quantizeWeight(String name, boolean transposed, float alpha) {
            String key = name + (transposed ? "^T" : "") + "*" + alpha;
            List<String> known = quantizedWeights.get(key);
            if (known != null) {
                return known;
            }
            Tensor tensor = initializers.get(name);
            int rows = tensor.shape().dim(0);
            int cols = tensor.shape().dim(1);
            int k = transposed ? cols : rows;
            int n = transposed ? rows : cols;
            float[] stored = tensor.toFloatArray();
            float[] w = new float[k * n];
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < n; c++) {
                    w[r * n + c] = transposed ? stored[c * cols + r] : stored[r * n + c];
                }
            }
            boolean perChannel = granularity == Granularity.PER_CHANNEL;
            int channels = perChannel ? n : 1;
            LinearQuantization.SymmetricInt8 quantized = LinearQuantization.symmetricInt8(w, new int[] {k, n},
                    perChannel ? 1 : -1);
            float[] scales = quantized.scales();
            byte[] codes = quantized.codes();
            float[] outputScales = scales.clone();
            for (int c = 0; c < channels; c++) {
                outputScales[c] *= alpha;
            }
            String base = transposed ? name + "_transposed" : name;
            List<String> names = List.of(unique(base + "_quantized"), unique(base + "_scale"),
                    unique(base + "_zero_point"));
            Shape paramShape = perChannel ? Shape.of(n) : Shape.scalar();
            initializers.put(names.get(0), Tensor.ofBytes(DataType.INT8, Shape.of(k, n), codes));
            initializers.put(names.get(1), Tensor.ofFloats(paramShape, outputScales));
            initializers.put(names.get(2), Tensor.ofBytes(DataType.INT8, paramShape, new byte[channels]));
            quantizedWeights.put(key, names);
            return names;
        }

        private String unique(String wanted) {
            String name = wanted;
            for (int i = 1; !names.add(name); i++) {
                name = wanted + "_" + i;
            }
            return name;
        }
    }
}
