package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.calibration.Histogram;
import io.quantedge.quantize.calibration.ValueRange;
import io.quantedge.quantize.graph.BatchNormFolding;
import io.quantedge.quantize.graph.CrossLayerEqualization;
import io.quantedge.quantize.graph.GraphEdits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training quantization of an FP32 graph, in memory: fold BatchNorm into the Conv before it,
 * optionally equalize weight ranges across consecutive layers, calibrate the activation ranges the scheme asks for by running the FP32 graph in the engine over
 * the calibration samples, let the scheme rewrite the graph, and optionally correct biases for the
 * mean error quantization adds to each layer's output. Usable anywhere an {@link InferenceEngine}
 * is: the command line, the gateway, tests.
 */
public final class Quantizer {

    private final InferenceEngine engine;

    public Quantizer(InferenceEngine engine) {
        this.engine = engine;
    }

    /**
     * Quantizes {@code fp32} with any scheme. {@code samples} may be null for a scheme that reads
     * nothing (W8 dynamic, 4-bit round-to-nearest) when no bias correction is asked for; then
     * nothing is run before the rewrite. 4-bit GPTQ rounding without input covariances has them
     * collected from the samples first.
     */
    public QuantizationResult quantize(Graph fp32, Tensor samples, Scheme scheme, QuantizeOptions options,
                                       Progress progress) throws QuantizeException {
        if (scheme instanceof BlockwiseWeightOnly weightOnly && weightOnly.needsInputCovariances()) {
            if (samples == null) {
                throw new QuantizeException(Code.BAD_DATA, scheme.name() + " with GPTQ rounding needs calibration"
                        + " data: sample inputs whose layer inputs GPTQ compensates the rounding error for");
            }
            scheme = weightOnly.withInputCovariances(inputCovariances(fp32, samples, weightOnly, options, progress));
        }
        Prepared prepared = prepare(fp32, options);
        Set<String> values = scheme.valuesToCalibrate(prepared.graph());
        if (samples == null) {
            if (!values.isEmpty() || options.biasCorrection()) {
                throw new QuantizeException(Code.BAD_DATA, scheme.name() + (values.isEmpty() ? " with bias correction"
                        : "") + " needs calibration data: sample inputs to run the FP32 model on");
            }
            Calibration none = new Calibration(prepared.graph(), null, prepared.folded(), Map.of(), "none",
                    prepared.equalization());
            return finish(none, null, scheme, options, progress);
        }
        Calibration calibration = calibrate(prepared, checkSamples(fp32, samples), samples, values, options, progress);
        return finish(calibration, samples, scheme, options, progress);
    }

    /**
     * The FP32 graph with BatchNorm folded (and weights equalized when asked for), and the
     * calibrated ranges of {@code values} (names in that graph). Every variant of a scheme whose
     * values are among them can then be made from the one calibration. {@code equalization} is
     * null when it was not asked for.
     */
    public record Calibration(Graph graph, String input, List<String> foldedBatchNorms, Map<String, ValueRange> ranges,
                              String calibrator, Equalization equalization) {
        public Calibration {
            foldedBatchNorms = List.copyOf(foldedBatchNorms);
            ranges = Map.copyOf(ranges);
        }
    }

    /** The graph quantization starts from: BatchNorm folded, then, if asked for, equalized. */
    private record Prepared(Graph graph, List<String> folded, Equalization equalization) {
    }

    private static Prepared prepare(Graph fp32, QuantizeOptions options) {
        BatchNormFolding.Result folding = BatchNormFolding.apply(fp32);
        if (!options.equalize()) {
            return new Prepared(folding.graph(), folding.folded(), null);
        }
        CrossLayerEqualization.Result equalized = CrossLayerEqualization.apply(folding.graph());
        return new Prepared(equalized.graph(), folding.folded(), equalized.equalization());
    }

    public Calibration calibrate(Graph fp32, Tensor samples, Collection<String> values, QuantizeOptions options,
                                 Progress progress) throws QuantizeException {
        String input = checkSamples(fp32, samples);
        return calibrate(prepare(fp32, options), input, samples, values, options, progress);
    }

    private Calibration calibrate(Prepared prepared, String input, Tensor samples, Collection<String> values,
                                  QuantizeOptions options, Progress progress) throws QuantizeException {
        Graph graph = prepared.graph();
        Map<String, ValueRange> ranges = new LinkedHashMap<>();
        if (!values.isEmpty()) {
            Map<String, Histogram> statistics = ActivationStatistics.collect(engine, graph, new ArrayList<>(values),
                    input, samples, options.batchSize(), options.calibrator().needsHistogram(), progress);
            statistics.forEach((value, histogram) -> ranges.put(value, options.calibrator().range(histogram)));
        }
        String calibrator = values.isEmpty() ? "none" : options.calibrator().name();
        return new Calibration(graph, input, prepared.folded(), ranges, calibrator, prepared.equalization());
    }

    /**
     * {@code sum x^T x} of the input of every layer {@code scheme} quantizes, keyed by the input's
     * value name, from one pass of the FP32 graph. They depend on the model and the samples only, so
     * one collection serves every block size and format ({@link BlockwiseWeightOnly#withInputCovariances}).
     */
    public Map<String, double[]> inputCovariances(Graph fp32, Tensor samples, BlockwiseWeightOnly scheme,
                                                  QuantizeOptions options, Progress progress) throws QuantizeException {
        String input = checkSamples(fp32, samples);
        Graph folded = BatchNormFolding.apply(fp32).graph();
        Map<String, Integer> widths = new LinkedHashMap<>();
        scheme.candidates(folded, new ArrayList<>()).forEach(c -> widths.put(c.input(), c.k()));
        return LayerInputCovariance.collect(engine, folded, widths, input, samples, options.batchSize(), progress);
    }

    /** The scheme applied with calibrated ranges, its biases corrected when the options say so. */
    public QuantizationResult finish(Calibration calibration, Tensor samples, Scheme scheme, QuantizeOptions options,
                                     Progress progress) throws QuantizeException {
        Graph graph = calibration.graph();
        Map<String, ValueRange> ranges = calibration.ranges();
        Scheme.Quantized quantized = scheme.quantize(graph, ranges, Map.of());
        Map<String, float[]> shift = Map.of();
        if (options.biasCorrection() && !quantized.layers().isEmpty()) {
            shift = biasShift(graph, scheme, ranges, quantized, calibration.input(), samples, options.batchSize(),
                    progress);
            quantized = scheme.quantize(graph, ranges, shift);
        }
        List<String> notes = new ArrayList<>();
        if (calibration.equalization() != null) {
            notes.addAll(calibration.equalization().notes());
        }
        notes.addAll(quantized.notes());
        return new QuantizationResult(quantized.graph(), scheme.name(), calibration.calibrator(),
                calibration.foldedBatchNorms(), ranges, quantized.layers(), shift, notes, calibration.equalization());
    }

    /** The model's one input, after checking the samples fit it. */
    static String checkSamples(Graph graph, Tensor samples) throws QuantizeException {
        if (graph.inputs().size() != 1) {
            throw new QuantizeException(Code.UNSUPPORTED, "the model has " + graph.inputs().size()
                    + " inputs; calibration data in one .npy file fits a model with one input");
        }
        TensorSpec spec = graph.inputs().get(0);
        if (samples.type() != spec.type()) {
            throw new QuantizeException(Code.SHAPE_MISMATCH, "the data is " + samples.type() + " but the model's input "
                    + spec + " is " + spec.type());
        }
        if (samples.shape().rank() != spec.rank() || Batches.count(samples) == 0
                || !spec.accepts(Batches.slice(samples, 0, 1).shape())) {
            throw new QuantizeException(Code.SHAPE_MISMATCH, "the data has shape " + samples.shape()
                    + ", which is not N samples of the model's input " + spec);
        }
        return spec.name();
    }

    /**
     * Per layer and output channel, minus the mean difference between the quantized and the FP32
     * layer output over the calibration samples. Layers are corrected one after the other in graph
     * order, each measured in the quantized model with the layers before it already corrected: a
     * layer's shift then holds its own error and what the corrected layers before it still pass on.
     * (Measuring all layers in one run of the uncorrected model counts an upstream error twice, once
     * where it arises and again in every layer after it; that over-corrects deep chains.) One FP32
     * pass and one quantized pass per layer.
     */
    private Map<String, float[]> biasShift(Graph fp32, Scheme scheme, Map<String, ValueRange> ranges,
                                           Scheme.Quantized quantized, String input, Tensor samples, int batchSize,
                                           Progress progress) throws QuantizeException {
        List<Scheme.Layer> layers = quantized.layers();
        List<String> reference = layers.stream().map(Scheme.Layer::floatOutput).toList();
        Map<String, double[]> floatSums = new LinkedHashMap<>();
        Map<String, long[]> counts = new LinkedHashMap<>();
        try (Model floatModel = ActivationStatistics.load(engine, GraphEdits.observing(fp32, reference), fp32.name())) {
            ActivationStatistics.stream(floatModel, reference, input, samples, batchSize, "bias correction (FP32)",
                    progress, outputs -> {
                        for (int l = 0; l < layers.size(); l++) {
                            accumulate(outputs.get(reference.get(l)), layers.get(l), floatSums, counts);
                        }
                    });
        }
        Map<String, float[]> shift = new LinkedHashMap<>();
        Scheme.Quantized current = quantized;
        for (int l = 0; l < layers.size(); l++) {
            Scheme.Layer layer = layers.get(l);
            if (l > 0) {
                current = scheme.quantize(fp32, ranges, shift);
            }
            Map<String, double[]> sums = new LinkedHashMap<>();
            Map<String, long[]> quantizedCounts = new LinkedHashMap<>();
            List<String> observed = List.of(layer.quantizedGraphOutput());
            try (Model model = ActivationStatistics.load(engine, GraphEdits.observing(current.graph(), observed),
                    fp32.name() + "_quantized")) {
                ActivationStatistics.stream(model, observed, input, samples, batchSize, "bias correction (layer "
                        + (l + 1) + " of " + layers.size() + ")", progress,
                        outputs -> accumulate(outputs.get(observed.get(0)), layer, sums, quantizedCounts));
            }
            double[] q = sums.get(layer.node());
            double[] f = floatSums.get(layer.node());
            long[] n = counts.get(layer.node());
            float[] s = new float[q.length];
            for (int c = 0; c < s.length; c++) {
                s[c] = (float) (-(q[c] - f[c]) / n[c]);
            }
            shift.put(layer.node(), s);
        }
        return shift;
    }

    private static void accumulate(Tensor output, Scheme.Layer layer, Map<String, double[]> sums,
                                   Map<String, long[]> counts) {
        int[] dims = output.shape().dims();
        int axis = layer.channelAxis() < 0 ? dims.length - 1 : layer.channelAxis();
        int channels = dims[axis];
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        double[] sum = sums.computeIfAbsent(layer.node(), k -> new double[channels]);
        long[] count = counts.computeIfAbsent(layer.node(), k -> new long[channels]);
        float[] values = output.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            int c = (i / inner) % channels;
            sum[c] += values[i];
            count[c]++;
        }
    }
}
