package io.quantedge.quantize.eval;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.quantize.Batches;
import io.quantedge.quantize.Progress;
import io.quantedge.quantize.QuantizeException;
import io.quantedge.quantize.QuantizeException.Code;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs several models on the same samples in the engine and compares them with the first: the
 * figures of {@code quantedge eval} and of the quantizer's report. Latency is measured one sample
 * at a time (batch 1, the gateway's case), after a warm-up, on the backends the engine chose.
 * Outputs are computed 50 samples per run, one per run for models with dynamic quantization.
 */
public final class Evaluator {

    /** One model to evaluate: its graph (for weight bytes), its file size, a display name. */
    public record Candidate(String name, Graph graph, long fileBytes) {
    }

    private static final int BATCH = 50;

    private final InferenceEngine engine;
    private final int latencyRuns;

    public Evaluator(InferenceEngine engine, int latencyRuns) {
        this.engine = engine;
        this.latencyRuns = latencyRuns;
    }

    public List<ModelMetrics> evaluate(List<Candidate> candidates, Tensor samples, long[] labels, Progress progress)
            throws QuantizeException {
        if (labels != null && labels.length != Batches.count(samples)) {
            throw new QuantizeException(Code.BAD_DATA, "there are " + labels.length + " labels for "
                    + Batches.count(samples) + " samples");
        }
        List<ModelMetrics> metrics = new ArrayList<>();
        float[] reference = null;
        int[] referenceTop1 = null;
        for (Candidate candidate : candidates) {
            try (Model model = load(candidate)) {
                String input = inputOf(model, samples, candidate.name());
                float[] outputs = outputs(model, input, samples, batchFor(candidate.graph()), p -> progress.update(
                        "evaluating " + candidate.name(), p, Batches.count(samples)));
                int classes = outputs.length / Batches.count(samples);
                int[] top1 = Comparison.top1(outputs, classes);
                if (reference == null) {
                    reference = outputs;
                    referenceTop1 = top1;
                }
                if (outputs.length != reference.length) {
                    throw new QuantizeException(Code.SHAPE_MISMATCH, candidate.name() + " gives " + outputs.length
                            + " output values for the samples, the first model " + reference.length);
                }
                double[] latency = latency(model, input, samples);
                metrics.add(new ModelMetrics(candidate.name(), candidate.fileBytes(), candidate.graph().initializerBytes(),
                        model.weightBytes(), model.plannedActivationBytes(), Batches.count(samples),
                        labels == null ? null : Comparison.accuracy(top1, labels),
                        Comparison.agreement(top1, referenceTop1), Comparison.snrDb(reference, outputs),
                        latency[0], latency[1], backends(model.report())));
            }
        }
        return metrics;
    }

    /**
     * One sample per run for a model with DynamicQuantizeLinear: its activation ranges are taken
     * over the whole input tensor, so batching samples would change its results (and the gateway
     * runs one frame at a time).
     */
    private static int batchFor(Graph graph) {
        boolean dynamic = graph.nodes().stream().anyMatch(n -> n.domain().isEmpty()
                && n.opType().equals("DynamicQuantizeLinear"));
        return dynamic ? 1 : BATCH;
    }

    private Model load(Candidate candidate) throws QuantizeException {
        try {
            return engine.load(candidate.graph(), candidate.name());
        } catch (io.quantedge.api.model.ModelLoadException e) {
            throw new QuantizeException(Code.MODEL, candidate.name() + ": " + e.getMessage(), e);
        }
    }

    private static String inputOf(Model model, Tensor samples, String name) throws QuantizeException {
        if (model.inputs().size() != 1) {
            throw new QuantizeException(Code.UNSUPPORTED, name + " has " + model.inputs().size()
                    + " inputs; evaluation data in one .npy file fits a model with one input");
        }
        TensorSpec spec = model.inputs().get(0);
        if (samples.type() != spec.type() || samples.shape().rank() != spec.rank() || Batches.count(samples) == 0
                || !spec.accepts(Batches.slice(samples, 0, 1).shape())) {
            throw new QuantizeException(Code.SHAPE_MISMATCH, "the data is " + samples.type() + samples.shape()
                    + ", which is not N samples of " + name + "'s input " + spec);
        }
        return spec.name();
    }

    /** The first output of every sample, in order, computed {@code batch} samples at a time. */
    public static float[] outputs(Model model, String input, Tensor samples, int batch,
                                  java.util.function.IntConsumer done) throws QuantizeException {
        int total = Batches.count(samples);
        String output = model.outputs().get(0).name();
        float[] all = null;
        int written = 0;
        for (int from = 0; from < total; from += batch) {
            int n = Math.min(batch, total - from);
            float[] values;
            try {
                values = model.run(Map.of(input, Batches.slice(samples, from, n))).get(output).toFloatArray();
            } catch (InferenceException e) {
                throw new QuantizeException(Code.MODEL, "running " + model.name() + " on samples " + from + ".."
                        + (from + n - 1) + " failed: " + e.getMessage(), e);
            }
            if (all == null) {
                all = new float[Math.toIntExact((long) values.length / n * total)];
            }
            System.arraycopy(values, 0, all, written, values.length);
            written += values.length;
            done.accept(from + n);
        }
        return all;
    }

    /** p50 and p99 in milliseconds of single-sample runs, nearest rank. */
    private double[] latency(Model model, String input, Tensor samples) throws QuantizeException {
        int count = Batches.count(samples);
        long[] nanos = new long[latencyRuns];
        try {
            for (int i = 0; i < Math.max(3, latencyRuns / 5); i++) {
                model.run(Map.of(input, Batches.slice(samples, i % count, 1)));
            }
            for (int i = 0; i < latencyRuns; i++) {
                Tensor one = Batches.slice(samples, i % count, 1);
                long start = System.nanoTime();
                model.run(Map.of(input, one));
                nanos[i] = System.nanoTime() - start;
            }
        } catch (InferenceException e) {
            throw new QuantizeException(Code.MODEL, "timing " + model.name() + " failed: " + e.getMessage(), e);
        }
        Arrays.sort(nanos);
        return new double[] {rank(nanos, 0.50), rank(nanos, 0.99)};
    }

    private static double rank(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int r = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, r - 1))] / 1e6;
    }

    private static String backends(ModelReport report) {
        TreeSet<String> names = new TreeSet<>();
        report.nodes().forEach(n -> names.add(n.backend()));
        return String.join("+", names);
    }
}
