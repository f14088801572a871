package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.calibration.Histogram;
import io.quantedge.quantize.graph.GraphEdits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Streams calibration inputs through the FP32 graph in the engine, with the values to observe
 * added to its outputs, and keeps statistics only: a first pass measures each value's min and max,
 * a second (when the calibrator needs it) fills a fixed-size histogram over that range. No
 * activation outlives its batch.
 */
final class ActivationStatistics {

    private ActivationStatistics() {
    }

    static Map<String, Histogram> collect(InferenceEngine engine, Graph graph, List<String> values, String input,
                                          Tensor samples, int batchSize, boolean histograms, Progress progress)
            throws QuantizeException {
        Map<String, double[]> extremes = new LinkedHashMap<>();
        values.forEach(v -> extremes.put(v, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0}));
        try (Model model = load(engine, GraphEdits.observing(graph, values), graph.name())) {
            stream(model, values, input, samples, batchSize, "calibration (ranges)", progress, (outputs) ->
                    outputs.forEach((name, tensor) -> {
                        float[] floats = tensor.toFloatArray();
                        double[] e = extremes.get(name);
                        for (float f : floats) {
                            if (f < e[0]) {
                                e[0] = f;
                            }
                            if (f > e[1]) {
                                e[1] = f;
                            }
                        }
                        e[2] += floats.length;
                    }));
            Map<String, Histogram> result = new LinkedHashMap<>();
            for (String value : values) {
                double[] e = extremes.get(value);
                if (e[2] == 0 || Double.isInfinite(e[0])) {
                    throw new QuantizeException(Code.MODEL, "value '" + value + "' produced no finite values on the"
                            + " calibration data");
                }
                result.put(value, Histogram.covering(e[0], e[1]));
            }
            if (!histograms) {
                for (String value : values) {
                    double[] e = extremes.get(value);
                    result.get(value).add(new float[] {(float) e[0], (float) e[1]}, 0, 2);
                }
                return result;
            }
            stream(model, values, input, samples, batchSize, "calibration (histograms)", progress, (outputs) ->
                    outputs.forEach((name, tensor) -> {
                        float[] floats = tensor.toFloatArray();
                        result.get(name).add(floats, 0, floats.length);
                    }));
            return result;
        }
    }

    static Model load(InferenceEngine engine, Graph graph, String name) throws QuantizeException {
        try {
            return engine.load(graph, name);
        } catch (ModelLoadException e) {
            throw new QuantizeException(Code.MODEL, "the engine cannot prepare model '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Runs every batch and hands the observed values to {@code sink}. */
    static void stream(Model model, List<String> values, String input, Tensor samples, int batchSize, String phase,
                       Progress progress, Consumer<Map<String, Tensor>> sink) throws QuantizeException {
        int total = Batches.count(samples);
        for (int from = 0; from < total; from += batchSize) {
            int n = Math.min(batchSize, total - from);
            Tensor batch = Batches.slice(samples, from, n);
            Map<String, Tensor> outputs;
            try {
                outputs = model.run(Map.of(input, batch));
            } catch (InferenceException e) {
                throw new QuantizeException(Code.MODEL, "running the model on calibration samples " + from + ".."
                        + (from + n - 1) + " failed: " + e.getMessage(), e);
            }
            Map<String, Tensor> observed = new LinkedHashMap<>();
            for (String value : values) {
                observed.put(value, value.equals(input) ? batch : outputs.get(value));
            }
            sink.accept(observed);
            progress.update(phase, from + n, total);
        }
    }
}
