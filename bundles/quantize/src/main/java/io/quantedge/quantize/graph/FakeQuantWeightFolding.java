package io.quantedge.quantize.graph;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stores fake-quantized weights as the integers they stand for. A PyTorch QAT model exported
 * without {@code convert()} keeps each weight in float and quantizes it at every run
 * ({@code float initializer -> QuantizeLinear -> DequantizeLinear}); this computes each such
 * QuantizeLinear once and puts its int8/uint8 result in the model instead, which gives the same
 * outputs from a file about four times smaller. Activation QuantizeLinear nodes, whose input is
 * not a constant, are left alone.
 */
public final class FakeQuantWeightFolding {

    /** The folded graph and the weights that are now stored as integers. */
    public record Result(Graph graph, List<String> foldedWeights) {
        public Result {
            foldedWeights = List.copyOf(foldedWeights);
        }
    }

    private FakeQuantWeightFolding() {
    }

    public static Result apply(Graph graph) {
        Map<String, Tensor> constants = constants(graph);
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        List<Node> nodes = new ArrayList<>();
        List<String> folded = new ArrayList<>();
        for (Node node : graph.nodes()) {
            Optional<Tensor> codes = node.domain().isEmpty() && node.opType().equals("QuantizeLinear")
                    ? quantizedConstant(node, constants) : Optional.empty();
            if (codes.isPresent()) {
                initializers.put(node.outputs().get(0), codes.get());
                folded.add(node.inputs().get(0));
            } else {
                nodes.add(node);
            }
        }
        if (folded.isEmpty()) {
            return new Result(graph, List.of());
        }
        List<Node> live = withoutDeadNodes(nodes, graph);
        return new Result(GraphEdits.withoutUnread(graph, live, initializers, graph.outputs()), folded);
    }

    /** Initializers, and the outputs of Constant nodes and of Identity nodes over a constant. */
    private static Map<String, Tensor> constants(Graph graph) {
        Map<String, Tensor> constants = new HashMap<>(graph.initializers());
        for (Node node : graph.nodes()) {
            if (!node.domain().isEmpty() || node.outputs().isEmpty()) {
                continue;
            }
            if (node.opType().equals("Constant")) {
                node.attribute("value").filter(a -> a.kind() == Attribute.Kind.TENSOR)
                        .ifPresent(a -> constants.put(node.outputs().get(0), a.asTensor()));
            } else if (node.opType().equals("Identity") && constants.containsKey(node.inputs().get(0))) {
                constants.put(node.outputs().get(0), constants.get(node.inputs().get(0)));
            }
        }
        return constants;
    }

    /** The codes {@code node} computes when all its inputs are constant and of a form stored as bytes. */
    private static Optional<Tensor> quantizedConstant(Node node, Map<String, Tensor> constants) {
        Tensor x = constants.get(node.inputs().get(0));
        Tensor scale = node.input(1).map(constants::get).orElse(null);
        String zeroName = node.input(2).filter(name -> !name.isEmpty()).orElse(null);
        Tensor zero = zeroName == null ? null : constants.get(zeroName);
        if (x == null || scale == null || (zeroName != null && zero == null)
                || x.type() != DataType.FP32 || scale.type() != DataType.FP32
                || node.attribute("block_size").map(a -> a.asInt() != 0).orElse(false)
                || node.attribute("output_dtype").isPresent()) {
            return Optional.empty();
        }
        DataType type = zero == null ? DataType.UINT8 : zero.type();
        if (type != DataType.INT8 && type != DataType.UINT8) {
            return Optional.empty();
        }
        int[] dims = x.shape().dims();
        int channels = (int) scale.elementCount();
        int inner = 1;
        if (channels > 1) {
            int axis = node.attribute("axis").map(a -> (int) a.asInt()).orElse(1);
            axis = axis < 0 ? axis + dims.length : axis;
            if (axis < 0 || axis >= dims.length || dims[axis] != channels
                    || (zero != null && zero.elementCount() != channels)) {
                return Optional.empty();
            }
            for (int d = axis + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
        } else if (zero != null && zero.elementCount() != 1) {
            return Optional.empty();
        }
        int min = type == DataType.INT8 ? -128 : 0;
        int max = type == DataType.INT8 ? 127 : 255;
        float[] values = x.toFloatArray();
        byte[] codes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int c = channels > 1 ? (i / inner) % channels : 0;
            int zeroPoint = zero == null ? 0 : (int) zero.integerAt(c);
            codes[i] = LinearQuantization.quantizeInt8(values[i], scale.floatAt(c), zeroPoint, min, max);
        }
        return Optional.of(Tensor.ofBytes(type, Shape.of(dims), codes));
    }

    /** {@code nodes} without those whose outputs nothing reads any more (the Identity and Constant nodes
     * that fed the folded QuantizeLinear). */
    private static List<Node> withoutDeadNodes(List<Node> nodes, Graph graph) {
        List<Node> live = new ArrayList<>(nodes);
        boolean removed = true;
        while (removed) {
            Set<String> read = new HashSet<>();
            live.forEach(node -> read.addAll(node.inputs()));
            graph.outputs().forEach(output -> read.add(output.name()));
            removed = live.removeIf(node -> node.outputs().stream().noneMatch(read::contains));
        }
        return live;
    }
}
