package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.graph.BatchNormFolding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Block-wise 4-bit weight-only quantization of an FP32 graph: with GPTQ rounding, first runs the
 * FP32 graph over the calibration samples to collect each layer input's {@code sum x^T x} (all
 * layers in one pass, on FP32 inputs), then quantizes as the {@link Quantizer} does any scheme.
 */
public final class WeightOnlyQuantizer {

    private final InferenceEngine engine;

    public WeightOnlyQuantizer(InferenceEngine engine) {
        this.engine = engine;
    }

    public QuantizationResult quantize(Graph fp32, Tensor samples, BlockwiseWeightOnly scheme, QuantizeOptions options,
                                       Progress progress) throws QuantizeException {
        BlockwiseWeightOnly prepared = scheme;
        if (scheme.rounding() == BlockwiseWeightOnly.Rounding.GPTQ) {
            prepared = scheme.withInputCovariances(inputCovariances(fp32, samples, scheme, options, progress));
        }
        return new Quantizer(engine).quantize(fp32, samples, prepared, options, progress);
    }

    /**
     * {@code sum x^T x} of the input of every layer {@code scheme} quantizes, keyed by the input's
     * value name. They depend on the model and the samples only, so one collection serves every
     * block size and format ({@link BlockwiseWeightOnly#withInputCovariances}).
     */
    public Map<String, double[]> inputCovariances(Graph fp32, Tensor samples, BlockwiseWeightOnly scheme,
                                                  QuantizeOptions options, Progress progress) throws QuantizeException {
        String input = Quantizer.checkSamples(fp32, samples);
        Graph folded = BatchNormFolding.apply(fp32).graph();
        Map<String, Integer> widths = new LinkedHashMap<>();
        scheme.candidates(folded, new ArrayList<>()).forEach(c -> widths.put(c.input(), c.k()));
        return LayerInputCovariance.collect(engine, folded, widths, input, samples, options.batchSize(), progress);
    }
}
