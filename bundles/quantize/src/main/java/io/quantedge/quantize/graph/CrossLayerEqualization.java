package io.quantedge.quantize.graph;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.Equalization;
import io.quantedge.quantize.Equalization.Pair;
import io.quantedge.quantize.Equalization.RangeUse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization
 * and Bias Correction"), a repair for per-tensor weight quantization of nets whose channels have
 * very different weight ranges (depthwise convolutions after BatchNorm folding are the usual case).
 *
 * <p>For two weight layers where output channel i of the first feeds input channel i of the second,
 * through nothing or through ops that commute with a positive per-channel scale (ReLU, LeakyReLU,
 * MaxPool, AveragePool, GlobalAveragePool, Flatten), {@code f(W1 x + b1)} with {@code f(x / s) = f(x) / s}
 * gives the same result when row i of W1 and b1[i] are divided by {@code s_i > 0} and input column
 * i of W2 is multiplied by it. With {@code r1_i = max|W1[i]|} and {@code r2_i = max|W2[:, i]|} the
 * two ranges become {@code r1_i / s_i} and {@code r2_i * s_i}; choosing {@code s_i = sqrt(r1_i /
 * r2_i)} makes both {@code sqrt(r1_i * r2_i)}, which maximises the product of the two layers'
 * per-tensor precisions (channel range over tensor range). A layer in the middle of a chain belongs
 * to two pairs, so pairs are swept in graph order until no scale moves by more than 1e-4.
 *
 * <p>Clip (ReLU6) is not equalized across: {@code min(x / s, 6) != min(x, 6) / s}, the scaled
 * channel would saturate at a different value. Neither are pairs whose intermediate value has
 * other readers or is a graph output (they would see the scaled values), nor weights or biases
 * shared with another node. The float model is unchanged up to float rounding.
 */
public final class CrossLayerEqualization {

    /** Stop when no per-channel scale of a sweep differs from 1 by more than this. */
    private static final double CONVERGED = 1e-4;
    private static final int MAX_SWEEPS = 100;
    /** Ops between the two layers that commute with a positive per-channel scale. */
    private static final Set<String> HOMOGENEOUS = Set.of("Relu", "LeakyRelu", "Identity", "MaxPool", "AveragePool",
            "GlobalAveragePool");

    /** The equalized graph (the input graph itself when nothing was paired) and what was done. */
    public record Result(Graph graph, Equalization equalization) {
    }

    private CrossLayerEqualization() {
    }

    public static Result apply(Graph graph) {
        Map<String, Integer> readers = new HashMap<>();
        Map<String, List<Node>> readBy = new HashMap<>();
        for (Node node : graph.nodes()) {
            for (String input : node.inputs()) {
                readers.merge(input, 1, Integer::sum);
                readBy.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        graph.outputs().forEach(output -> readers.merge(output.name(), 1, Integer::sum));
        Map<String, Tensor> initializers = graph.initializers();
        List<String> notes = new ArrayList<>();
        Map<String, WeightLayer> layers = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            WeightLayer layer = WeightLayer.of(node, initializers, readers);
            if (layer != null) {
                layers.put(node.name(), layer);
            }
        }
        List<Link> links = new ArrayList<>();
        for (WeightLayer first : layers.values()) {
            Link link = follow(first, layers, readers, readBy, notes);
            if (link != null) {
                links.add(link);
            }
        }
        if (links.isEmpty()) {
            return new Result(graph, new Equalization(List.of(), 0, List.of(), notes));
        }
        Map<String, Double> useBefore = new LinkedHashMap<>();
        links.forEach(l -> {
            useBefore.putIfAbsent(l.first.node.name(), l.first.rangeUse());
            useBefore.putIfAbsent(l.second.node.name(), l.second.rangeUse());
        });
        int sweeps = 0;
        double moved = Double.POSITIVE_INFINITY;
        while (moved > CONVERGED && sweeps < MAX_SWEEPS) {
            moved = 0;
            for (Link link : links) {
                moved = Math.max(moved, link.equalize());
            }
            sweeps++;
        }
        if (moved > CONVERGED) {
            notes.add("cross-layer equalization stopped after " + MAX_SWEEPS + " sweeps with a scale still moving by "
                    + moved);
        }
        Map<String, Tensor> equalized = new LinkedHashMap<>(initializers);
        List<RangeUse> use = new ArrayList<>();
        for (Map.Entry<String, Double> entry : useBefore.entrySet()) {
            WeightLayer layer = layers.get(entry.getKey());
            layer.writeTo(equalized);
            use.add(new RangeUse(entry.getKey(), entry.getValue(), layer.rangeUse()));
        }
        List<Pair> pairs = links.stream().map(Link::pair).toList();
        Graph result = new Graph(graph.name(), graph.opsets(), graph.inputs(), graph.outputs(), equalized,
                graph.nodes(), graph.metadata());
        return new Result(result, new Equalization(pairs, sweeps, use, notes));
    }

    /** The weight layer reading {@code first}'s output channel for channel, if there is one to pair with. */
    private static Link follow(WeightLayer first, Map<String, WeightLayer> layers, Map<String, Integer> readers,
                               Map<String, List<Node>> readBy, List<String> notes) {
        String value = first.node.outputs().get(0);
        List<String> between = new ArrayList<>();
        int span = 1;
        while (readers.getOrDefault(value, 0) == 1 && readBy.containsKey(value)) {
            Node next = readBy.get(value).get(0);
            String op = next.domain().isEmpty() ? next.opType() : "";
            WeightLayer second = layers.get(next.name());
            if (second != null && next.inputs().get(0).equals(value)) {
                boolean conv = second.node.opType().equals("Conv");
                if (second.inputWidth() != first.channels() * span || conv && span != 1) {
                    return null;
                }
                return new Link(first, second, between, span);
            }
            if (op.equals("Clip")) {
                notes.add(first.node + " -> " + next + ": not equalized, Clip is not positively homogeneous"
                        + " (min(x/s, hi) != min(x, hi)/s), so a per-channel scale would move its bounds");
                return null;
            }
            boolean flatten = op.equals("Flatten") && next.attribute("axis").map(Attribute::asInt).orElse(1L) == 1
                    && span == 1 && !between.contains("Flatten");
            if (!HOMOGENEOUS.contains(op) && !flatten) {
                return null;
            }
            if (flatten) {
                // Channel-major NCHW: channel i becomes the features [i*S, (i+1)*S) of the next layer.
                span = -1;
            }
            between.add(op);
            value = next.outputs().get(0);
            if (span == -1) {
                span = flattenedSpan(value, first, readBy, layers);
                if (span < 1) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Features per channel after a Flatten, from the width of the layer reading it. */
    private static int flattenedSpan(String value, WeightLayer first, Map<String, List<Node>> readBy,
                                     Map<String, WeightLayer> layers) {
        List<Node> next = readBy.getOrDefault(value, List.of());
        if (next.size() != 1 || !layers.containsKey(next.get(0).name())) {
            return -1;
        }
        int width = layers.get(next.get(0).name()).inputWidth();
        return width % first.channels() == 0 ? width / first.channels() : -1;
    }

    /** Two layers to equalize and where each channel's weights are. */
    private static final class Link {
        final WeightLayer first;
        final WeightLayer second;
        final List<String> between;
        /** Per channel, the first layer's weight indices (its output channel). */
        final int[][] out;
        /** Per channel, the second layer's weight indices (its input channels for that channel). */
        final int[][] in;
        final double[] total;

        Link(WeightLayer first, WeightLayer second, List<String> between, int span) {
            this.first = first;
            this.second = second;
            this.between = List.copyOf(between);
            int channels = first.channels();
            this.out = new int[channels][];
            this.in = new int[channels][];
            this.total = new double[channels];
            for (int c = 0; c < channels; c++) {
                out[c] = first.outputChannel(c);
                in[c] = second.inputChannels(c * span, span);
                total[c] = 1;
            }
        }

        /** One equalization step; returns the largest |s - 1| it applied. */
        double equalize() {
            double moved = 0;
            float[] w1 = first.weight;
            float[] w2 = second.weight;
            for (int c = 0; c < out.length; c++) {
                double r1 = maxAbs(w1, out[c]);
                double r2 = maxAbs(w2, in[c]);
                if (!(r1 > 0) || !(r2 > 0)) {
                    continue;
                }
                double s = Math.sqrt(r1 / r2);
                for (int i : out[c]) {
                    w1[i] = (float) (w1[i] / s);
                }
                if (first.bias != null) {
                    first.bias[c] = (float) (first.bias[c] / s);
                }
                for (int i : in[c]) {
                    w2[i] = (float) (w2[i] * s);
                }
                total[c] *= s;
                moved = Math.max(moved, Math.abs(s - 1));
            }
            return moved;
        }

        Pair pair() {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (double s : total) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            return new Pair(first.node.name(), second.node.name(), between, total.length, min, max);
        }

        private static double maxAbs(float[] w, int[] indices) {
            double m = 0;
            for (int i : indices) {
                m = Math.max(m, Math.abs(w[i]));
            }
            return m;
        }
    }

    /**
     * A Conv or Gemm with a float constant weight (and bias, if any) that no other node reads, its
     * values copied so equalization can change them.
     */
    private static final class WeightLayer {
        final Node node;
        final String weightName;
        final int[] dims;
        final float[] weight;
        final String biasName;
        final float[] bias;
        /** Gemm: B stored as [N, K] (transB) rather than [K, N]. */
        final boolean transposed;
        final int groups;

        private WeightLayer(Node node, String weightName, Tensor weight, String biasName, Tensor bias,
                            boolean transposed, int groups) {
            this.node = node;
            this.weightName = weightName;
            this.dims = weight.shape().dims();
            this.weight = weight.toFloatArray();
            this.biasName = biasName;
            this.bias = bias == null ? null : bias.toFloatArray();
            this.transposed = transposed;
            this.groups = groups;
        }

        static WeightLayer of(Node node, Map<String, Tensor> initializers, Map<String, Integer> readers) {
            if (!node.domain().isEmpty() || node.outputs().size() != 1) {
                return null;
            }
            boolean conv = node.opType().equals("Conv");
            boolean gemm = node.opType().equals("Gemm");
            if (!conv && !gemm || node.inputs().size() < 2) {
                return null;
            }
            String weightName = node.inputs().get(1);
            Tensor weight = initializers.get(weightName);
            if (weight == null || weight.type() != DataType.FP32 || readers.getOrDefault(weightName, 0) != 1
                    || weight.shape().rank() != (gemm ? 2 : weight.shape().rank()) || weight.shape().rank() < 2) {
                return null;
            }
            String biasName = node.input(2).orElse("");
            Tensor bias = biasName.isEmpty() ? null : initializers.get(biasName);
            if (!biasName.isEmpty() && (bias == null || bias.type() != DataType.FP32 || bias.shape().rank() != 1
                    || readers.getOrDefault(biasName, 0) != 1)) {
                return null;
            }
            boolean transposed = false;
            int groups = 1;
            if (gemm) {
                if (node.attribute("transA").map(Attribute::asInt).orElse(0L) != 0) {
                    return null;
                }
                transposed = node.attribute("transB").map(Attribute::asInt).orElse(0L) != 0;
            } else {
                groups = (int) (long) node.attribute("group").map(Attribute::asInt).orElse(1L);
            }
            WeightLayer layer = new WeightLayer(node, weightName, weight, biasName, bias, transposed, groups);
            if (bias != null && bias.elementCount() != layer.channels()) {
                return null;
            }
            return layer;
        }

        int channels() {
            return node.opType().equals("Conv") ? dims[0] : transposed ? dims[0] : dims[1];
        }

        /** The number of input channels (Conv) or features (Gemm) the layer reads. */
        int inputWidth() {
            return node.opType().equals("Conv") ? dims[1] * groups : transposed ? dims[1] : dims[0];
        }

        int[] outputChannel(int c) {
            if (node.opType().equals("Conv") || transposed) {
                int inner = weight.length / dims[0];
                int[] indices = new int[inner];
                for (int i = 0; i < inner; i++) {
                    indices[i] = c * inner + i;
                }
                return indices;
            }
            int k = dims[0];
            int n = dims[1];
            int[] indices = new int[k];
            for (int i = 0; i < k; i++) {
                indices[i] = i * n + c;
            }
            return indices;
        }

        /** The weight indices reading input channels (or features) [from, from + count). */
        int[] inputChannels(int from, int count) {
            if (node.opType().equals("Conv")) {
                int perGroupIn = dims[1];
                int perGroupOut = dims[0] / groups;
                int kernel = weight.length / (dims[0] * dims[1]);
                int group = from / perGroupIn;
                int local = from % perGroupIn;
                int[] indices = new int[perGroupOut * kernel];
                int at = 0;
                for (int o = group * perGroupOut; o < (group + 1) * perGroupOut; o++) {
                    for (int k = 0; k < kernel; k++) {
                        indices[at++] = (o * perGroupIn + local) * kernel + k;
                    }
                }
                return indices;
            }
            int rows = transposed ? dims[0] : dims[1];
            int width = inputWidth();
            int[] indices = new int[rows * count];
            int at = 0;
            for (int f = from; f < from + count; f++) {
                for (int r = 0; r < rows; r++) {
                    indices[at++] = transposed ? r * width + f : f * rows + r;
                }
            }
            return indices;
        }

        double rangeUse() {
            int channels = channels();
            double max = 0;
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                double r = 0;
                for (int i : outputChannel(c)) {
                    r = Math.max(r, Math.abs(weight[i]));
                }
                sum += r;
                max = Math.max(max, r);
            }
            return max > 0 ? sum / channels / max : 1;
        }

        void writeTo(Map<String, Tensor> initializers) {
            Tensor w = initializers.get(weightName);
            initializers.put(weightName, Tensor.ofFloats(w.shape(), weight));
            if (bias != null) {
                initializers.put(biasName, Tensor.ofFloats(initializers.get(biasName).shape(), bias));
            }
        }
    }
}
