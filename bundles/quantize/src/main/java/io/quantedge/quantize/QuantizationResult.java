package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.quantize.calibration.ValueRange;
import java.util.List;
import java.util.Map;

/**
 * A quantized model and how it was made: the scheme and calibrator, the BatchNormalization nodes
 * folded, each calibrated activation range, the layers quantized, the bias shifts bias correction
 * applied (per layer, per output channel), notes on what stayed in float and why, and the
 * cross-layer equalization done before calibration ({@code null} when it was not asked for).
 */
public record QuantizationResult(Graph graph, String scheme, String calibrator, List<String> foldedBatchNorms,
                                 Map<String, ValueRange> ranges, List<Scheme.Layer> layers,
                                 Map<String, float[]> biasShift, List<String> notes,
                                 Equalization equalization) {

    public QuantizationResult {
        foldedBatchNorms = List.copyOf(foldedBatchNorms);
        ranges = Map.copyOf(ranges);
        layers = List.copyOf(layers);
        biasShift = Map.copyOf(biasShift);
        notes = List.copyOf(notes);
    }

    public QuantizationResult(Graph graph, String scheme, String calibrator, List<String> foldedBatchNorms,
                              Map<String, ValueRange> ranges, List<Scheme.Layer> layers, Map<String, float[]> biasShift,
                              List<String> notes) {
        this(graph, scheme, calibrator, foldedBatchNorms, ranges, layers, biasShift, notes, null);
    }
}
