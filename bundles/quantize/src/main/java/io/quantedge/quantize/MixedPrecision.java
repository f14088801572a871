package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.QuantizeException.Code;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.graph.BatchNormFolding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-layer sensitivity and automatic mixed precision for W8A8 static, measured against the FP32
 * model on check samples: the calibration samples themselves (an in-sample figure), or a held-out
 * set the ranges were not calibrated on.
 *
 * <p>Sensitivity quantizes one Conv, Gemm or MatMul at a time, with the QDQ of its input and output
 * and nothing else, and measures the model output's SNR and top-1 agreement with FP32. Ranges come
 * from one calibration covering the full model and every one-layer variant. Bias correction is not
 * applied while ranking: it would cost two passes per layer and the ranking is about rounding
 * error, which it does not remove.
 *
 * <p>Mixed precision quantizes everything, then keeps the most sensitive layers (lowest SNR
 * first) in FP32, one more at a time, until the agreement reaches the target or no layer is left.
 */
public final class MixedPrecision {

    /** A layer's effect when it alone is quantized. */
    public record LayerSensitivity(String node, String opType, double snrDb, double agreement) {
    }

    /** One model tried: the layers kept in FP32 and its figures against FP32. */
    public record Step(List<String> keptFloat, double agreement, double snrDb, long weightBytes) {
        public Step {
            keptFloat = List.copyOf(keptFloat);
        }
    }

    /**
     * The chosen model, the ranking (most sensitive first), every step tried (the first with no
     * layer kept), the layers kept in FP32 with their sensitivity, and whether the target was met.
     */
    public record Result(QuantizationResult quantization, double target, List<LayerSensitivity> ranking,
                         List<Step> steps, List<LayerSensitivity> keptFloat, boolean met) {
        public Result {
            ranking = List.copyOf(ranking);
            steps = List.copyOf(steps);
            keptFloat = List.copyOf(keptFloat);
        }

        public Step fullInt8() {
            return steps.get(0);
        }

        public Step chosen() {
            return steps.get(steps.size() - 1);
        }
    }

    private final InferenceEngine engine;
    private final Quantizer quantizer;

    public MixedPrecision(InferenceEngine engine) {
        this.engine = engine;
        this.quantizer = new Quantizer(engine);
    }

    /** The quantizable layers, most sensitive (lowest output SNR) first, measured on the calibration samples. */
    public List<LayerSensitivity> sensitivity(Graph fp32, Tensor samples, W8A8Static scheme, QuantizeOptions options,
                                              Progress progress) throws QuantizeException {
        return new Run(fp32, samples, samples, scheme, options, progress).ranking();
    }

    /** {@link #quantize(Graph, Tensor, Tensor, W8A8Static, QuantizeOptions, double, Progress)} checked in-sample. */
    public Result quantize(Graph fp32, Tensor samples, W8A8Static scheme, QuantizeOptions options, double target,
                           Progress progress) throws QuantizeException {
        return quantize(fp32, samples, samples, scheme, options, target, progress);
    }

    /**
     * Quantizes with as few layers in FP32 as reach {@code target} top-1 agreement with FP32 on
     * {@code check}; ranges and bias corrections come from {@code samples}.
     */
    public Result quantize(Graph fp32, Tensor samples, Tensor check, W8A8Static scheme, QuantizeOptions options,
                           double target, Progress progress) throws QuantizeException {
        if (!(target >= 0 && target <= 1)) {
            throw new QuantizeException(Code.BAD_DATA, "the target agreement is a fraction in [0, 1], not " + target);
        }
        Run run = new Run(fp32, samples, check, scheme, options, progress);
        List<LayerSensitivity> ranking = run.ranking();
        List<Step> steps = new ArrayList<>();
        QuantizationResult chosen = null;
        int kept = 0;
        for (; kept <= ranking.size(); kept++) {
            Set<String> floatNodes = new LinkedHashSet<>();
            ranking.subList(0, kept).forEach(l -> floatNodes.add(l.node()));
            if (kept == ranking.size()) {
                // Nothing left to quantize: the activations between layers go back to FP32 too.
                run.graph().nodes().forEach(n -> floatNodes.add(n.name()));
            }
            chosen = quantizer.finish(run.calibration, samples, scheme.keepingFloat(floatNodes), options, progress);
            float[] outputs = run.outputs(chosen.graph(), kept + " layers in FP32");
            steps.add(new Step(ranking.subList(0, kept).stream().map(LayerSensitivity::node).toList(),
                    run.agreement(outputs), Comparison.snrDb(run.reference, outputs),
                    chosen.graph().initializerBytes()));
            if (steps.get(steps.size() - 1).agreement() >= target) {
                break;
            }
        }
        int used = Math.min(kept, ranking.size());
        return new Result(chosen, target, ranking, steps, ranking.subList(0, used),
                steps.get(steps.size() - 1).agreement() >= target);
    }

    /** One calibration and the FP32 reference outputs, shared by every variant measured. */
    private final class Run {
        final Tensor check;
        final W8A8Static scheme;
        final QuantizeOptions options;
        final Progress progress;
        final Quantizer.Calibration calibration;
        final List<Node> layers;
        final float[] reference;
        final int[] referenceTop1;
        final int classes;

        Run(Graph fp32, Tensor samples, Tensor check, W8A8Static scheme, QuantizeOptions options, Progress progress)
                throws QuantizeException {
            Quantizer.checkSamples(fp32, check);
            this.check = check;
            this.scheme = scheme;
            this.options = options;
            this.progress = progress;
            Graph folded = quantizerGraph(fp32);
            this.layers = scheme.weightedLayers(folded);
            // A one-layer variant reads values the full model shares with another (a MaxPool output
            // takes its input's range there), so calibrate the union once.
            Set<String> values = new LinkedHashSet<>(scheme.valuesToCalibrate(folded));
            for (Node layer : layers) {
                values.addAll(onlyLayer(folded, layer).valuesToCalibrate(folded));
            }
            this.calibration = quantizer.calibrate(fp32, samples, values, options, progress);
            this.reference = outputs(fp32, "FP32 reference");
            this.classes = reference.length / Batches.count(check);
            this.referenceTop1 = Comparison.top1(reference, classes);
        }

        Graph graph() {
            return calibration.graph();
        }

        private static Graph quantizerGraph(Graph fp32) {
            return BatchNormFolding.apply(fp32).graph();
        }

        private W8A8Static onlyLayer(Graph graph, Node layer) {
            Set<String> others = new HashSet<>();
            graph.nodes().forEach(n -> others.add(n.name()));
            others.remove(layer.name());
            return scheme.keepingFloat(others);
        }

        List<LayerSensitivity> ranking() throws QuantizeException {
            List<LayerSensitivity> ranking = new ArrayList<>();
            for (Node layer : layers) {
                Scheme.Quantized one = onlyLayer(graph(), layer).quantize(graph(), calibration.ranges(), Map.of());
                float[] outputs = outputs(one.graph(), "sensitivity of " + layer.name());
                ranking.add(new LayerSensitivity(layer.name(), layer.opType(), Comparison.snrDb(reference, outputs),
                        agreement(outputs)));
            }
            ranking.sort(Comparator.comparingDouble(LayerSensitivity::snrDb)
                    .thenComparingDouble(LayerSensitivity::agreement));
            return ranking;
        }

        double agreement(float[] outputs) {
            return Comparison.agreement(Comparison.top1(outputs, classes), referenceTop1);
        }

        float[] outputs(Graph graph, String phase) throws QuantizeException {
            int total = Batches.count(check);
            try (Model model = ActivationStatistics.load(engine, graph, graph.name())) {
                float[] outputs = Evaluator.outputs(model, model.inputs().get(0).name(), check, options.batchSize(),
                        n -> progress.update(phase, n, total));
                if (reference != null && outputs.length != reference.length) {
                    throw new QuantizeException(Code.MODEL, phase + ": " + outputs.length + " output values, FP32 gave "
                            + reference.length);
                }
                return outputs;
            }
        }
    }
}
