package io.quantedge.quantize;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.blockwise.BlockQuantizer;
import io.quantedge.quantize.blockwise.BlockwiseWeights;
import io.quantedge.quantize.blockwise.FourBitGrid;
import io.quantedge.quantize.blockwise.NormalFloat4Grid;
import io.quantedge.quantize.blockwise.SymmetricInt4Grid;
import io.quantedge.quantize.calibration.ValueRange;
import io.quantedge.quantize.graph.GraphEdits;
import io.quantedge.quantize.graph.OpsetUpgrade;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Weight-only 4-bit quantization in blocks along K of the weights of MatMul and Gemm; activations
 * stay float, so no calibration ranges are needed.
 * <ul>
 * <li>{@link Format#W4}: uniform symmetric INT4 (zero point 8 implied) as
 *     {@code com.microsoft.MatMulNBits} (bits 4, K, N, block_size, and accuracy_level 4 for int8
 *     activations when asked), a Gemm's bias as its bias input. Both QuantEdge and ONNX Runtime run
 *     it on integer kernels.</li>
 * <li>{@link Format#NF4}: NormalFloat-4 levels, in standard ONNX (opset 21): a UINT4 initializer of
 *     codes {@code [blocks][block][N]} -> Cast to int32 -> Gather from a float[16] table -> Mul by
 *     the block scales {@code [blocks][1][N]} -> Reshape to {@code [K', N]} (-> Slice to K when K is
 *     not a whole number of blocks) -> the original MatMul or Gemm. The model is raised to opset 21
 *     for the UINT4 type. A runtime folds the chain into float weights when it loads the model, so
 *     the gain is in the file and its transfer, not in the memory of a run.</li>
 * </ul>
 * The codes are rounded to nearest, or chosen by GPTQ when the input covariances of the layers
 * ({@link #withInputCovariances}) are given. A weight that several nodes read, a Gemm with
 * {@code transA}, and every Conv stay float and are named in the notes.
 */
public final class BlockwiseWeightOnly implements Scheme {

    public static final int DEFAULT_BLOCK_SIZE = 128;
    public static final int MIN_BLOCK_SIZE = 32;
    public static final int MAX_BLOCK_SIZE = 128;
    /** MatMulNBits' accuracy_level for int8 activations. */
    public static final int INT8_ACCURACY_LEVEL = 4;
    static final String MICROSOFT = "com.microsoft";
    static final String NF4_TABLE = "NormalFloat4_levels";

    /** How the 4-bit weights are expressed. */
    public enum Format {
        /** Uniform INT4 in com.microsoft.MatMulNBits. */
        W4(new SymmetricInt4Grid()),
        /** NormalFloat-4 codes looked up in a float table, standard ONNX opset 21. */
        NF4(new NormalFloat4Grid());

        private final FourBitGrid grid;

        Format(FourBitGrid grid) {
            this.grid = grid;
        }

        public FourBitGrid grid() {
            return grid;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How codes are chosen. */
    public enum Rounding {
        NEAREST, GPTQ;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The rounding of this {@link #label()}, if there is one. */
        public static Optional<Rounding> labelled(String label) {
            return Arrays.stream(values()).filter(r -> r.label().equals(label)).findFirst();
        }
    }

    /** A layer this scheme quantizes: its node, weight, input, and W's shape {@code [K][N]}. */
    public record Candidate(Node node, String weight, String input, int k, int n, boolean transposed) {
    }

    private final Format format;
    private final int blockSize;
    private final int accuracyLevel;
    private final Rounding rounding;
    private final Map<String, double[]> covariances;

    public BlockwiseWeightOnly(Format format, int blockSize, int accuracyLevel, Rounding rounding) {
        this(format, blockSize, accuracyLevel, rounding, Map.of());
    }

    private BlockwiseWeightOnly(Format format, int blockSize, int accuracyLevel, Rounding rounding,
                                Map<String, double[]> covariances) {
        if (!isValidBlockSize(blockSize)) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a power of two in "
                    + MIN_BLOCK_SIZE + ".." + MAX_BLOCK_SIZE);
        }
        this.format = format;
        this.blockSize = blockSize;
        this.accuracyLevel = accuracyLevel;
        this.rounding = rounding;
        this.covariances = Map.copyOf(covariances);
    }

    /** Whether {@code blockSize} is a power of two from {@link #MIN_BLOCK_SIZE} to {@link #MAX_BLOCK_SIZE}. */
    public static boolean isValidBlockSize(int blockSize) {
        return blockSize >= MIN_BLOCK_SIZE && blockSize <= MAX_BLOCK_SIZE && Integer.bitCount(blockSize) == 1;
    }

    /** The same scheme with {@code sum x^T x} of each layer input (keyed by the input's value name) for GPTQ. */
    public BlockwiseWeightOnly withInputCovariances(Map<String, double[]> values) {
        return new BlockwiseWeightOnly(format, blockSize, accuracyLevel, rounding, values);
    }

    /** Whether GPTQ rounding is asked for and the input covariances it needs are not given yet. */
    public boolean needsInputCovariances() {
        return rounding == Rounding.GPTQ && covariances.isEmpty();
    }

    public Format format() {
        return format;
    }

    public int blockSize() {
        return blockSize;
    }

    public int accuracyLevel() {
        return accuracyLevel;
    }

    public Rounding rounding() {
        return rounding;
    }

    /**
     * The block of a layer with {@code k} inputs: the chosen size, or, when K is smaller, the
     * power of two that holds K (16 at least, MatMulNBits' smallest). Either way such a layer has
     * one block and one scale per output, so the weights round alike; only fewer padding codes
     * are stored (a transformer's K = 64 in blocks of 128 would store twice its codes).
     */
    public int blockFor(int k) {
        if (k >= blockSize) {
            return blockSize;
        }
        return Math.max(16, Integer.highestOneBit(Math.max(1, k - 1)) << 1);
    }

    @Override
    public String name() {
        return format.label() + "-block" + blockSize + "-" + rounding.label()
                + (format == Format.W4 && accuracyLevel >= INT8_ACCURACY_LEVEL ? "-int8-compute" : "");
    }

    @Override
    public Set<String> valuesToCalibrate(Graph graph) {
        return Set.of();
    }

    /** The layers whose weights this scheme quantizes, in graph order, and notes on the ones left out. */
    public List<Candidate> candidates(Graph graph, List<String> notes) {
        Map<String, Integer> readers = new HashMap<>();
        graph.nodes().forEach(node -> node.inputs().forEach(input -> readers.merge(input, 1, Integer::sum)));
        graph.outputs().forEach(output -> readers.merge(output.name(), 1, Integer::sum));
        List<Candidate> result = new ArrayList<>();
        for (Node node : graph.nodes()) {
            String op = node.opType();
            if (!node.domain().isEmpty() || !(op.equals("MatMul") || op.equals("Gemm") || op.equals("Conv"))) {
                continue;
            }
            if (op.equals("Conv")) {
                notes.add(node + " left in float: weight-only 4-bit covers MatMul and Gemm");
                continue;
            }
            String input = node.input(0).orElse("");
            String weight = node.input(1).orElse("");
            Tensor w = graph.initializers().get(weight);
            if (w == null || graph.initializers().containsKey(input)) {
                continue; // a product of two activations (attention), or of two constants: not a layer
            }
            if (w.type() != DataType.FP32 || w.shape().rank() != 2) {
                notes.add(node + " left in float: its weight is not an FP32 matrix");
                continue;
            }
            if (readers.getOrDefault(weight, 0) != 1) {
                notes.add(node + " left in float: its weight '" + weight + "' is read elsewhere too");
                continue;
            }
            boolean transposed = false;
            if (op.equals("Gemm")) {
                if (node.attribute("transA").map(Attribute::asInt).orElse(0L) != 0) {
                    notes.add(node + " left in float: Gemm with transA");
                    continue;
                }
                transposed = node.attribute("transB").map(Attribute::asInt).orElse(0L) != 0;
            }
            int k = w.shape().dim(transposed ? 1 : 0);
            int n = w.shape().dim(transposed ? 0 : 1);
            result.add(new Candidate(node, weight, input, k, n, transposed));
        }
        return result;
    }

    @Override
    public Quantized quantize(Graph graph, Map<String, ValueRange> ranges, Map<String, float[]> biasShift)
            throws QuantizeException {
        if (!biasShift.isEmpty()) {
            throw new QuantizeException(Code.UNSUPPORTED, "bias correction goes with W8A8, not with " + name());
        }
        List<String> notes = new ArrayList<>();
        List<Candidate> candidates = candidates(graph, notes);
        if (candidates.isEmpty()) {
            throw new QuantizeException(Code.UNSUPPORTED, "the model has no MatMul or Gemm with a constant FP32"
                    + " weight matrix that " + name() + " could quantize");
        }
        Graph source = graph;
        if (format == Format.NF4) {
            try {
                source = OpsetUpgrade.to(graph, 21);
            } catch (IllegalArgumentException e) {
                throw new QuantizeException(Code.UNSUPPORTED, "NF4 needs opset 21 (UINT4 tensors): " + e.getMessage()
                        + "; --scheme w4 works at any opset", e);
            }
            if (source != graph) {
                notes.add("opset raised from " + graph.opset("") + " to 21 for the UINT4 codes of NF4");
            }
        }
        Map<Node, Candidate> byNode = new HashMap<>();
        candidates.forEach(c -> byNode.put(c.node(), c));
        Map<String, Tensor> initializers = new LinkedHashMap<>(source.initializers());
        Set<String> names = new HashSet<>(initializers.keySet());
        source.nodes().forEach(node -> {
            names.addAll(node.inputs());
            names.addAll(node.outputs());
        });
        List<Node> nodes = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        for (Node node : source.nodes()) {
            Candidate layer = byNode.get(node);
            if (layer == null) {
                nodes.add(node);
                continue;
            }
            BlockwiseWeights weights = quantizeWeights(layer, initializers, notes);
            if (format == Format.W4) {
                matMulNBits(layer, weights, initializers, names, nodes, notes);
            } else {
                normalFloat(layer, weights, initializers, names, nodes);
            }
            String output = node.outputs().get(0);
            layers.add(new Layer(node.name(), node.opType(), output, output, -1));
        }
        Map<String, Integer> opsets = new HashMap<>(source.opsets());
        if (format == Format.W4) {
            opsets.putIfAbsent(MICROSOFT, 1);
        }
        Graph rewritten = new Graph(source.name(), opsets, source.inputs(), source.outputs(), source.initializers(),
                source.nodes(), source.metadata());
        return new Quantized(GraphEdits.withoutUnread(rewritten, nodes, initializers, source.outputs()), layers, notes);
    }

    /** W as {@code [K][N]} with a Gemm's alpha folded in, rounded to nearest or by GPTQ. */
    private BlockwiseWeights quantizeWeights(Candidate layer, Map<String, Tensor> initializers, List<String> notes)
            throws QuantizeException {
        float[] stored = initializers.get(layer.weight()).toFloatArray();
        int k = layer.k();
        int n = layer.n();
        float alpha = layer.node().opType().equals("Gemm")
                ? layer.node().attribute("alpha").map(Attribute::asFloat).orElse(1f) : 1f;
        float[] w = new float[k * n];
        for (int row = 0; row < k; row++) {
            for (int j = 0; j < n; j++) {
                w[row * n + j] = alpha * (layer.transposed() ? stored[j * k + row] : stored[row * n + j]);
            }
        }
        FourBitGrid grid = format.grid();
        if (rounding == Rounding.NEAREST) {
            return BlockQuantizer.nearest(w, k, n, blockFor(k), grid);
        }
        double[] h = covariances.get(layer.input());
        if (h == null) {
            throw new IllegalStateException("GPTQ needs the input covariance of '" + layer.input() + "'");
        }
        try {
            return BlockQuantizer.gptq(w, k, n, blockFor(k), grid, h);
        } catch (ArithmeticException e) {
            notes.add(layer.node() + ": rounded to nearest, GPTQ failed: " + e.getMessage());
            return BlockQuantizer.nearest(w, k, n, blockFor(k), grid);
        }
    }

    private void matMulNBits(Candidate layer, BlockwiseWeights weights, Map<String, Tensor> initializers,
                             Set<String> names, List<Node> nodes, List<String> notes) {
        Node node = layer.node();
        int k = layer.k();
        int n = layer.n();
        String b = fresh(names, layer.weight() + "_nbits_B");
        String scales = fresh(names, layer.weight() + "_nbits_scales");
        initializers.put(b, Tensor.ofBytes(DataType.UINT8,
                Shape.of(n, weights.blocks(), weights.blockSize() / 2), weights.matMulNBitsCodes()));
        initializers.put(scales, Tensor.ofFloats(Shape.of(n * weights.blocks()), weights.matMulNBitsScales()));
        List<String> inputs = new ArrayList<>(List.of(layer.input(), b, scales));
        String output = node.outputs().get(0);
        String product = output;
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        attributes.put("K", Attribute.ofInt(k));
        attributes.put("N", Attribute.ofInt(n));
        attributes.put("bits", Attribute.ofInt(4));
        attributes.put("block_size", Attribute.ofInt(weights.blockSize()));
        if (accuracyLevel > 0) {
            attributes.put("accuracy_level", Attribute.ofInt(accuracyLevel));
        }
        Node add = null;
        String c = node.opType().equals("Gemm") ? node.input(2).orElse("") : "";
        if (!c.isEmpty()) {
            float beta = node.attribute("beta").map(Attribute::asFloat).orElse(1f);
            Tensor bias = initializers.get(c);
            if (bias != null && bias.type() == DataType.FP32 && bias.elementCount() == n && bias.shape().rank() <= 2) {
                float[] values = bias.toFloatArray();
                for (int j = 0; j < n; j++) {
                    values[j] *= beta;
                }
                String biasName = fresh(names, layer.weight() + "_nbits_bias");
                initializers.put(biasName, Tensor.ofFloats(Shape.of(n), values));
                inputs.addAll(List.of("", "", biasName));
            } else {
                // C of another shape, or computed: added after, as Gemm broadcasts it.
                String addend = c;
                if (beta != 1f) {
                    addend = fresh(names, c + "_times_beta");
                    String betaName = fresh(names, node.name() + "_beta");
                    initializers.put(betaName, Tensor.ofFloats(Shape.scalar(), beta));
                    nodes.add(new Node(node.name() + "_beta", "", "Mul", List.of(c, betaName), List.of(addend), Map.of()));
                }
                product = fresh(names, output + "_product");
                add = new Node(node.name() + "_bias", "", "Add", List.of(product, addend), List.of(output), Map.of());
                notes.add(node + ": its C input is added after MatMulNBits (not a constant of N values)");
            }
        }
        nodes.add(new Node(node.name(), MICROSOFT, "MatMulNBits", inputs, List.of(product), attributes));
        if (add != null) {
            nodes.add(add);
        }
    }

    private void normalFloat(Candidate layer, BlockwiseWeights weights, Map<String, Tensor> initializers,
                             Set<String> names, List<Node> nodes) {
        Node node = layer.node();
        int k = layer.k();
        int n = layer.n();
        int blocks = weights.blocks();
        String base = layer.weight() + "_nf4";
        String codes = fresh(names, base + "_codes");
        String scales = fresh(names, base + "_scales");
        String shape = fresh(names, base + "_shape");
        initializers.computeIfAbsent(NF4_TABLE, t -> Tensor.ofFloats(Shape.of(16), NormalFloat4Grid.levels()));
        names.add(NF4_TABLE);
        // Padding codes are those of 0 (exact in NF4), though the Slice drops them anyway.
        int zeroCode = format.grid().code(0f, 1f);
        initializers.put(codes, Tensor.ofNibbles(DataType.UINT4, Shape.of(blocks, weights.blockSize(), n),
                weights.paddedCodes(zeroCode)));
        initializers.put(scales, Tensor.ofFloats(Shape.of(blocks, 1, n), weights.scales()));
        initializers.put(shape, Tensor.ofLongs(Shape.of(2), (long) blocks * weights.blockSize(), n));
        String indices = fresh(names, base + "_indices");
        String levels = fresh(names, base + "_levels");
        String scaled = fresh(names, base + "_scaled");
        String dequantized = fresh(names, base + "_dequantized");
        boolean padded = blocks * weights.blockSize() != k;
        String reshaped = padded ? fresh(names, base + "_padded") : dequantized;
        nodes.add(new Node(base + "_Cast", "", "Cast", List.of(codes), List.of(indices),
                Map.of("to", Attribute.ofInt(6))));
        nodes.add(new Node(base + "_Gather", "", "Gather", List.of(NF4_TABLE, indices), List.of(levels), Map.of()));
        nodes.add(new Node(base + "_Mul", "", "Mul", List.of(levels, scales), List.of(scaled), Map.of()));
        nodes.add(new Node(base + "_Reshape", "", "Reshape", List.of(scaled, shape), List.of(reshaped), Map.of()));
        if (padded) {
            String starts = fresh(names, base + "_starts");
            String ends = fresh(names, base + "_ends");
            String axes = fresh(names, base + "_axes");
            initializers.put(starts, Tensor.ofLongs(Shape.of(1), 0));
            initializers.put(ends, Tensor.ofLongs(Shape.of(1), k));
            initializers.put(axes, Tensor.ofLongs(Shape.of(1), 0));
            nodes.add(new Node(base + "_Slice", "", "Slice", List.of(reshaped, starts, ends, axes), List.of(dequantized),
                    Map.of()));
        }
        List<String> inputs = new ArrayList<>(node.inputs());
        inputs.set(1, dequantized);
        Map<String, Attribute> attributes = new LinkedHashMap<>(node.attributes());
        // The table holds W as [K][N] with alpha folded in.
        attributes.remove("transB");
        attributes.remove("alpha");
        nodes.add(new Node(node.name(), node.domain(), node.opType(), inputs, node.outputs(), attributes));
    }

    private static String fresh(Set<String> names, String wanted) {
        String name = wanted;
        for (int i = 1; names.contains(name); i++) {
            name = wanted + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** Bytes of the weights this scheme quantizes in {@code graph}: as FP32, and as 4-bit codes with their scales. */
    public record LayerBytes(long fp32, long fourBit) {
    }

    public LayerBytes layerBytes(Graph graph) {
        long fp32 = 0;
        long fourBit = 0;
        for (Candidate c : candidates(graph, new ArrayList<>())) {
            fp32 += 4L * c.k() * c.n();
            fourBit += BlockwiseWeights.storedBytes(c.k(), c.n(), blockFor(c.k()));
        }
        return new LayerBytes(fp32, fourBit);
    }
}
