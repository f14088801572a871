package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.graph.GraphEdits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For each named activation feeding a layer, {@code H = sum x^T x} over every row x (the last
 * dimension, K values) it takes on the calibration samples, run through the FP32 graph: what GPTQ
 * needs. Streaming: K x K doubles per value, whatever the number of samples.
 */
final class LayerInputCovariance {

    private LayerInputCovariance() {
    }

    /** {@code widths} maps each value to its last dimension K; the result maps it to H (row-major). */
    static Map<String, double[]> collect(InferenceEngine engine, Graph graph, Map<String, Integer> widths, String input,
                                         Tensor samples, int batchSize, Progress progress) throws QuantizeException {
        List<String> values = new ArrayList<>(widths.keySet());
        Map<String, double[]> sums = new LinkedHashMap<>();
        widths.forEach((value, k) -> sums.put(value, new double[k * k]));
        try (Model model = ActivationStatistics.load(engine, GraphEdits.observing(graph, values), graph.name())) {
            ActivationStatistics.stream(model, values, input, samples, batchSize, "GPTQ (layer inputs)", progress,
                    outputs -> outputs.forEach((value, tensor) -> accumulate(value, tensor, widths.get(value),
                            sums.get(value))));
        } catch (IllegalStateException e) {
            throw new QuantizeException(Code.MODEL, e.getMessage(), e);
        }
        sums.forEach((value, h) -> {
            int k = widths.get(value);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < i; j++) {
                    h[j * k + i] = h[i * k + j];
                }
            }
        });
        return sums;
    }

    /** Adds x^T x of every row to the lower triangle of h. */
    private static void accumulate(String value, Tensor tensor, int k, double[] h) {
        float[] x = tensor.toFloatArray();
        int[] dims = tensor.shape().dims();
        if (dims.length == 0 || dims[dims.length - 1] != k) {
            throw new IllegalStateException("the layer input '" + value + "' has shape " + tensor.shape()
                    + ", not [..., " + k + "]");
        }
        for (int row = 0; row < x.length; row += k) {
            for (int i = 0; i < k; i++) {
                double xi = x[row + i];
                if (xi == 0) {
                    continue;
                }
                int at = i * k;
                for (int j = 0; j <= i; j++) {
                    h[at + j] += xi * x[row + j];
                }
            }
        }
    }
}
