package io.quantedge.quantize.graph;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference-form BatchNormalization into the Conv before it, so the pair quantizes as one
 * layer: {@code w'[c] = w[c] * g[c] / sqrt(var[c] + eps)}, {@code b'[c] = (b[c] - mean[c]) * g[c] /
 * sqrt(var[c] + eps) + beta[c]}, computed in double. Folded only when the Conv's output feeds the
 * BatchNormalization alone, all five parameters are FP32 constants, and the BatchNormalization has
 * one output; the Conv then writes the BatchNormalization's output name, so names downstream and
 * the graph's outputs stay as they were. Parameters nothing reads any more are dropped.
 */
public final class BatchNormFolding {

    /** The folded graph and the names of the BatchNormalization nodes folded away. */
    public record Result(Graph graph, List<String> folded) {
    }

    private BatchNormFolding() {
    }

    public static Result apply(Graph graph) {
        Map<String, Integer> readers = new HashMap<>();
        for (Node node : graph.nodes()) {
            node.inputs().forEach(input -> readers.merge(input, 1, Integer::sum));
        }
        graph.outputs().forEach(output -> readers.merge(output.name(), 1, Integer::sum));
        Map<String, Node> producers = new HashMap<>();
        graph.nodes().forEach(node -> node.outputs().forEach(output -> producers.put(output, node)));

        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        Map<String, Node> replaced = new HashMap<>();
        List<String> folded = new ArrayList<>();
        List<Node> dropped = new ArrayList<>();
        for (Node bn : graph.nodes()) {
            if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty() || bn.inputs().size() != 5
                    || bn.outputs().stream().filter(o -> !o.isEmpty()).count() != 1) {
                continue;
            }
            Node conv = producers.get(bn.inputs().get(0));
            if (conv == null || !conv.opType().equals("Conv") || replaced.containsKey(conv.name())
                    || readers.getOrDefault(bn.inputs().get(0), 0) != 1) {
                continue;
            }
            Tensor weight = floatConstant(initializers, conv.input(1).orElse(""));
            Tensor[] p = new Tensor[4];
            boolean constant = weight != null;
            for (int i = 0; i < 4 && constant; i++) {
                p[i] = floatConstant(initializers, bn.inputs().get(i + 1));
                constant = p[i] != null;
            }
            Tensor bias = conv.input(2).map(name -> floatConstant(initializers, name)).orElse(null);
            if (!constant || (conv.input(2).isPresent() && bias == null)) {
                continue;
            }
            int channels = weight.shape().dim(0);
            float[] gamma = p[0].toFloatArray();
            float[] beta = p[1].toFloatArray();
            float[] mean = p[2].toFloatArray();
            float[] variance = p[3].toFloatArray();
            if (gamma.length != channels || beta.length != channels || mean.length != channels || variance.length != channels) {
                continue;
            }
            double epsilon = bn.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
            float[] w = weight.toFloatArray();
            float[] b = bias == null ? new float[channels] : bias.toFloatArray();
            int perChannel = w.length / channels;
            float[] foldedWeight = new float[w.length];
            float[] foldedBias = new float[channels];
            for (int c = 0; c < channels; c++) {
                double factor = gamma[c] / Math.sqrt(variance[c] + epsilon);
                for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                    foldedWeight[i] = (float) (w[i] * factor);
                }
                foldedBias[c] = (float) ((b[c] - mean[c]) * factor + beta[c]);
            }
            String weightName = unique(initializers, conv.inputs().get(1) + "_folded");
            String biasName = unique(initializers, conv.name() + "_folded_bias");
            initializers.put(weightName, Tensor.ofFloats(weight.shape(), foldedWeight));
            initializers.put(biasName, Tensor.ofFloats(Shape.of(channels), foldedBias));
            List<String> inputs = List.of(conv.inputs().get(0), weightName, biasName);
            replaced.put(conv.name(), new Node(conv.name(), conv.domain(), conv.opType(), inputs,
                    List.of(bn.outputs().get(0)), conv.attributes()));
            dropped.add(bn);
            folded.add(bn.name());
        }
        if (folded.isEmpty()) {
            return new Result(graph, List.of());
        }
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (dropped.contains(node)) {
                continue;
            }
            nodes.add(replaced.getOrDefault(node.name(), node));
        }
        return new Result(GraphEdits.withoutUnread(graph, nodes, initializers, graph.outputs()), folded);
    }

    private static Tensor floatConstant(Map<String, Tensor> initializers, String name) {
        Tensor t = initializers.get(name);
        return t != null && t.type() == DataType.FP32 ? t : null;
    }

    private static String unique(Map<String, Tensor> taken, String wanted) {
        String name = wanted;
        for (int i = 1; taken.containsKey(name); i++) {
            name = wanted + "_" + i;
        }
        return name;
    }
}
