package io.quantedge.quantize.cli;

import com.google.gson.GsonBuilder;
import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.Batches;
import io.quantedge.quantize.BlockwiseWeightOnly;
import io.quantedge.quantize.Equalization;
import io.quantedge.quantize.Granularity;
import io.quantedge.quantize.MixedPrecision;
import io.quantedge.quantize.QatWeights;
import io.quantedge.quantize.ModelFiles;
import io.quantedge.quantize.QuantizationResult;
import io.quantedge.quantize.QuantizeException;
import io.quantedge.quantize.QuantizeOptions;
import io.quantedge.quantize.Quantizer;
import io.quantedge.quantize.W8A8Static;
import io.quantedge.quantize.W8Dynamic;
import io.quantedge.quantize.calibration.Calibrator;
import io.quantedge.quantize.calibration.Calibrators;
import io.quantedge.quantize.calibration.PercentileCalibrator;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.eval.ModelMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code quantedge quantize}: an FP32 model to a W8A8 QDQ ONNX model, calibrated on a .npy file,
 * or to W8 weights with dynamic activations (no calibration), then compared with the FP32 model on
 * the calibration data (agreement, SNR, size), optionally into a JSON report.
 */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=quantize",
    CliCommand.SUMMARY_PROPERTY + "=quantize an FP32 ONNX model to INT8 (W8A8 static QDQ) or 4-bit weights (w4, nf4)"
})
public final class QuantizeCommand implements CliCommand {

    static final String USAGE = """
            Usage: quantedge quantize --model FP32.onnx --calibration DATA.npy|IMAGES/ --out Q.onnx
                                      [--preprocessing PACKAGE.qmp|manifest.json]
                                      [--scheme w8a8|w8-dynamic|w4|nf4|qat] [--per-channel|--per-tensor]
                                      [--calibrator minmax|percentile|entropy|mse] [--percentile P]
                                      [--equalize] [--bias-correction] [--target-agreement A]
                                      [--holdout F] [--block-size B] [--rounding nearest|gptq]
                                      [--accuracy-level 0|4] [--report R.json] [--batch N]
              --model FILE         the FP32 model (ONNX)
              --calibration DATA   .npy of N representative inputs (float32, N x the model's input),
                                   preprocessed as for inference; or a folder of .png/.jpg images (in
                                   it or in sub-folders), made into inputs as a pipeline makes frames
                                   by --preprocessing; a few hundred are usually enough.
                                   Optional with --scheme w8-dynamic and qat (then only used to compare)
              --preprocessing FILE with an image folder: a model package, or its manifest.json, whose
                                   input preprocessing (size, colour, scale, mean, std, layout) applies
              --out FILE           the quantized model, standard ONNX, written atomically
              --scheme NAME        w8a8        int8 weights and activations, static ranges from
                                               calibration, QDQ form (default; CNNs)
                                   w8-dynamic  int8 weights, activations quantized at run time per
                                               input (DynamicQuantizeLinear + MatMulInteger); MatMul
                                               and Gemm only, Conv stays FP32 (MLPs, transformers)
                                   w4          4-bit weights in blocks along K, activations float, as
                                               com.microsoft.MatMulNBits (MatMul and Gemm only)
                                   nf4         4-bit NormalFloat weights in blocks, as standard ONNX
                                               (opset 21: UINT4 codes, Gather from a 16-value table)
                                   qat         a QAT export (already QDQ): keep its quantization, store
                                               its fake-quantized weights as int8; no calibration
             w8a8 and w8-dynamic:
              --per-channel        one weight scale per output channel (default)
              --per-tensor         one weight scale per weight tensor
              --calibrator NAME    how activation ranges are chosen (default minmax):
                                   minmax      the full observed range
                                   percentile  clip to the P-th percentile (see --percentile)
                                   entropy     the threshold of least KL divergence (TensorRT style)
                                   mse         the threshold of least squared error
              --percentile P       for --calibrator percentile (default 99.99)
              --equalize           cross-layer equalization before quantizing: rescale the channels of
                                   consecutive Conv/Gemm layers (through ReLU or pooling) so their
                                   weight ranges match; helps per-tensor weights of depthwise nets
              --bias-correction    shift biases by the mean output error quantization adds, measured
                                   on the calibration data
              --target-agreement A keep the layers most sensitive to quantization in FP32, one more at a
                                   time, until top-1 agreement with FP32 on the calibration data reaches
                                   A (a fraction, such as 0.995); prints each layer's sensitivity (alone
                                   in INT8: output SNR and agreement) and which layers were kept
              --holdout F          with --target-agreement: calibrate on the first samples and measure
                                   sensitivity and agreement on the last fraction F (such as 0.25)
                                   instead of on the calibration samples themselves
             w4 and nf4 only:
              --block-size B       weights per scale along K: 32, 64 or 128 (default 128); larger
                                   blocks are smaller files and round more coarsely
              --rounding NAME      nearest  each weight to its nearest level (default; needs no data)
                                   gptq     GPTQ error compensation from the layers' inputs on the
                                            calibration data (slower, usually more accurate)
              --accuracy-level L   w4: 4 lets the runtime quantize activations to int8 per block
                                   (integer kernels, the default), 0 keeps them float
             all:
              --report FILE        write what was done and the comparison with FP32 as JSON, or, when
                                   FILE ends in .html, as one offline page with the table and charts
              --batch N            calibration samples run at once (default 32)
            BatchNorm is folded into the Conv before it first. Ops without a quantized form stay in
            float and are listed (w4 and nf4 leave Conv in float). Progress goes to standard error.
            --calibrator, --percentile, --bias-correction, --target-agreement and --holdout go with
            --scheme w8a8 only.
            """ + ExitCodes.HELP;

    private final List<ModelLoader> loaders;
    private final InferenceEngine engine;
    private final ModelPackages packages;

    @Activate
    public QuantizeCommand(
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<ModelLoader> loaders,
            @Reference InferenceEngine engine, @Reference ModelPackages packages) {
        this.loaders = List.copyOf(loaders);
        this.engine = engine;
        this.packages = packages;
    }

    /** Without package manifests: .npy data only. */
    public QuantizeCommand(List<ModelLoader> loaders, InferenceEngine engine) {
        this(loaders, engine, null);
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.print(USAGE);
            return ExitCodes.OK;
        }
        Path model;
        Path calibration;
        boolean dynamic;
        boolean qat;
        Optional<Path> preprocessing;
        Path output;
        Path report;
        QuantizeOptions options;
        Double target;
        Double holdout;
        BlockwiseWeightOnly weightOnly;
        try {
            Arguments a = Arguments.parse(args, Set.of("model", "calibration", "out", "calibrator", "percentile",
                    "report", "batch", "target-agreement", "holdout", "scheme", "block-size", "rounding",
                    "accuracy-level", "preprocessing"),
                    Set.of("per-channel", "per-tensor", "bias-correction", "equalize"));
            weightOnly = WeightOnlyOptions.parse(a);
            dynamic = dynamicScheme(a);
            qat = qatScheme(a);
            model = Path.of(a.required("model"));
            String calibrationName = dynamic || qat ? a.one("calibration", null) : a.required("calibration");
            calibration = calibrationName == null ? null : Path.of(calibrationName);
            preprocessing = Optional.ofNullable(a.one("preprocessing", null)).map(Path::of);
            output = Path.of(a.required("out"));
            String reportName = a.one("report", null);
            report = reportName == null ? null : Path.of(reportName);
            if (calibration == null && reportName != null && reportName.toLowerCase(Locale.ROOT).endsWith(".html")) {
                throw new UsageException("an .html report compares the models on data: give --calibration with it");
            }
            if (a.flag("per-channel") && a.flag("per-tensor")) {
                throw new UsageException("--per-channel and --per-tensor exclude each other");
            }
            String calibratorName = a.one("calibrator", "minmax");
            if (!Calibrators.NAMES.contains(calibratorName)) {
                throw new UsageException("--calibrator is one of " + String.join(", ", Calibrators.NAMES) + ", not '"
                        + calibratorName + "'");
            }
            String percentileText = a.one("percentile", null);
            if (percentileText != null && !calibratorName.equals("percentile")) {
                throw new UsageException("--percentile goes with --calibrator percentile");
            }
            double percentile = parsePercentile(percentileText);
            Calibrator calibrator = Calibrators.named(calibratorName, percentile);
            target = fraction(a.one("target-agreement", null), "target-agreement", false, "0.995");
            holdout = fraction(a.one("holdout", null), "holdout", true, "0.25");
            if (holdout != null && target == null) {
                throw new UsageException("--holdout goes with --target-agreement");
            }
            options = new QuantizeOptions(a.flag("per-tensor") ? Granularity.PER_TENSOR : Granularity.PER_CHANNEL,
                    calibrator, a.flag("bias-correction"), a.positiveInt("batch", QuantizeOptions.DEFAULT_BATCH),
                    a.flag("equalize"));
        } catch (UsageException e) {
            err.println("quantedge quantize: " + e.getMessage());
            err.print(USAGE);
            return ExitCodes.USAGE;
        }
        try {
            ProgressBar progress = new ProgressBar(err);
            Graph fp32 = ModelFiles.loadGraph(loaders, model);
            Tensor samples = calibration == null ? null : SampleData.load(calibration, "calibration data",
                    preprocessing, Optional.empty(), fp32.inputs().get(0), packages).samples();
            W8A8Static scheme = new W8A8Static(options.weights());
            MixedPrecision.Result mixed = null;
            String measuredOn = null;
            QuantizationResult result;
            if (!qat && QatWeights.isQuantized(fp32)) {
                throw new QuantizeException(QuantizeException.Code.UNSUPPORTED, "the model is quantized already (it"
                        + " has QuantizeLinear nodes, as QAT and QDQ exports do); --scheme qat keeps its quantization"
                        + " and stores its fake-quantized weights as integers");
            }
            if (qat) {
                result = QatWeights.store(fp32);
            } else if (weightOnly != null) {
                result = new Quantizer(engine).quantize(fp32, samples, weightOnly, options, progress);
            } else if (dynamic) {
                result = new Quantizer(engine).quantize(fp32, samples, new W8Dynamic(options.weights()), options,
                        progress);
            } else if (target == null) {
                result = new Quantizer(engine).quantize(fp32, samples, scheme, options, progress);
            } else {
                Tensor calibrationPart = samples;
                Tensor check = samples;
                measuredOn = "the " + Batches.count(samples) + " calibration samples (in-sample)";
                if (holdout != null) {
                    int total = Batches.count(samples);
                    int held = (int) Math.round(holdout * total);
                    if (held < 1 || held >= total) {
                        throw new QuantizeException(QuantizeException.Code.BAD_DATA, "--holdout " + holdout + " of "
                                + total + " samples leaves none to calibrate on or none to check with");
                    }
                    calibrationPart = Batches.slice(samples, 0, total - held);
                    check = Batches.slice(samples, total - held, held);
                    measuredOn = "the last " + held + " of the " + total + " samples, held out from calibration";
                }
                mixed = new MixedPrecision(engine).quantize(fp32, calibrationPart, check, scheme, options, target,
                        progress);
                result = mixed.quantization();
            }
            write(result.graph(), output);
            List<ModelMetrics> comparison = samples == null ? null : new Evaluator(engine, 50).evaluate(List.of(
                    new Evaluator.Candidate(model.getFileName().toString(), fp32, EvalCommand.size(model)),
                    new Evaluator.Candidate(output.getFileName().toString(), result.graph(), EvalCommand.size(output))),
                    samples, null, progress);
            summary(model, output, fp32, result, weightOnly, comparison, out);
            if (mixed != null) {
                mixedSummary(mixed, measuredOn, out);
            }
            if (report != null) {
                writeReport(report, model, calibration, output, options, weightOnly, fp32, result, mixed,
                        measuredOn, comparison);
            }
            return ExitCodes.OK;
        } catch (QuantizeException e) {
            err.println("quantedge quantize: error " + e.code() + ": " + e.getMessage());
            return ExitCodes.of(e);
        }
    }

    /** Whether --scheme asks for w8-dynamic, after checking no option of static quantization is given with it. */
    private static boolean dynamicScheme(Arguments a) throws UsageException {
        // WeightOnlyOptions.parse has checked the name already.
        if (!a.one("scheme", "w8a8").equals("w8-dynamic")) {
            return false;
        }
        for (String option : List.of("calibrator", "percentile", "bias-correction", "target-agreement", "holdout")) {
            if (a.flag(option)) {
                throw new UsageException("--" + option + " goes with --scheme w8a8: w8-dynamic quantizes activations"
                        + " at run time, so there is nothing to calibrate or correct");
            }
        }
        return true;
    }

    /** Whether --scheme asks for qat, after checking no option of the other schemes is given with it. */
    private static boolean qatScheme(Arguments a) throws UsageException {
        if (!a.one("scheme", "w8a8").equals(QatWeights.NAME)) {
            return false;
        }
        for (String option : List.of("calibrator", "percentile", "bias-correction", "target-agreement", "holdout",
                "equalize", "per-channel", "per-tensor")) {
            if (a.flag(option)) {
                throw new UsageException("--" + option + " does not go with --scheme qat: the model keeps the"
                        + " quantization its training chose");
            }
        }
        return true;
    }

    private static double parsePercentile(String text) throws UsageException {
        if (text == null) {
            return Calibrators.DEFAULT_PERCENTILE;
        }
        try {
            double value = Double.parseDouble(text);
            new PercentileCalibrator(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--percentile must be a number in (50, 100], such as 99.99, not '" + text + "'");
        }
    }

    /** A fraction in [0, 1], or in (0, 1) when {@code open}; null when the option is absent. */
    private static Double fraction(String text, String option, boolean open, String example) throws UsageException {
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text);
            if (open ? value > 0 && value < 1 : value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + " is a fraction in " + (open ? "(0, 1)" : "[0, 1]") + ", such as "
                + example + ", not '" + text + "'");
    }

    private static void write(Graph graph, Path output) throws QuantizeException {
        try {
            OnnxModelWriter.write(graph, output);
        } catch (IOException e) {
            throw new QuantizeException(QuantizeException.Code.WRITE, "writing " + output + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code comparison} is null when there was no data to compare on (w8-dynamic or qat without calibration data). */
    private static void summary(Path model, Path output, Graph fp32, QuantizationResult result,
                                BlockwiseWeightOnly weightOnly, List<ModelMetrics> comparison, PrintStream out) {
        // The evaluator runs models with run-time activation ranges one sample at a time.
        boolean onePerRun = result.scheme().startsWith("w8-dynamic");
        out.printf("Quantized %s -> %s (%s)%n", model, output, howQuantized(result, weightOnly));
        if (result.scheme().equals(QatWeights.NAME)) {
            out.println("  the model's own scales and zero points kept; nothing calibrated");
        } else if (weightOnly == null) {
            out.printf("  %d layers quantized, %d BatchNormalization folded, %d activation ranges calibrated%n",
                    result.layers().size(), result.foldedBatchNorms().size(), result.ranges().size());
        } else {
            out.printf("  %d layers with 4-bit weights, %d BatchNormalization folded%n", result.layers().size(),
                    result.foldedBatchNorms().size());
            out.println("  " + WeightOnlyOptions.layerSummary(weightOnly, fp32));
        }
        if (result.equalization() != null) {
            equalizationSummary(result.equalization(), out);
        }
        long fp32Bytes = fp32.initializerBytes();
        long quantizedBytes = result.graph().initializerBytes();
        out.printf("  weights %.1f KiB -> %.1f KiB (%.2fx smaller)%n", fp32Bytes / 1024.0, quantizedBytes / 1024.0,
                (double) fp32Bytes / quantizedBytes);
        if (comparison != null) {
            ModelMetrics quantized = comparison.get(1);
            out.printf("  on the %d calibration samples%s: top-1 agreement with FP32 %.2f%%, output SNR %.1f dB%n",
                    quantized.samples(), onePerRun ? " (one per run)" : "",
                    100 * quantized.agreement(), quantized.snrDb());
        }
        for (String note : result.notes()) {
            out.println("  note: " + note);
        }
    }

    /** The scheme, where activation ranges come from, and the repairs applied. */
    private static String howQuantized(QuantizationResult result, BlockwiseWeightOnly weightOnly) {
        if (weightOnly != null) {
            return WeightOnlyOptions.describe(weightOnly);
        }
        if (result.scheme().equals(QatWeights.NAME)) {
            return "qat: fake-quantized weights stored as int8";
        }
        return result.scheme() + ", " + (result.calibrator().equals("none") ? "activations quantized at run time"
                : "calibrator " + result.calibrator()) + (result.equalization() == null ? ""
                : ", cross-layer equalization") + (result.biasShift().isEmpty() ? "" : ", bias correction");
    }

    private static void equalizationSummary(Equalization equalization, PrintStream out) {
        out.printf("  cross-layer equalization: %d layer pairs in %d sweeps%n", equalization.pairs().size(),
                equalization.sweeps());
        for (Equalization.Pair pair : equalization.pairs()) {
            out.printf("    %s -> %s%s: %d channels, scales %.3g..%.3g%n", pair.first(), pair.second(),
                    pair.between().isEmpty() ? "" : " (via " + String.join(", ", pair.between()) + ")",
                    pair.channels(), pair.minScale(), pair.maxScale());
        }
        for (Equalization.RangeUse use : equalization.rangeUse()) {
            out.printf("    %-24s per-tensor weight range use %.2f -> %.2f%n", use.node(), use.before(), use.after());
        }
    }

    private static Map<String, Object> equalizationJson(Equalization equalization) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sweeps", equalization.sweeps());
        json.put("pairs", equalization.pairs().stream().map(p -> {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("first", p.first());
            pair.put("second", p.second());
            pair.put("between", p.between());
            pair.put("channels", p.channels());
            pair.put("minScale", p.minScale());
            pair.put("maxScale", p.maxScale());
            return pair;
        }).toList());
        json.put("rangeUse", equalization.rangeUse().stream().map(u -> {
            Map<String, Object> use = new LinkedHashMap<>();
            use.put("node", u.node());
            use.put("before", u.before());
            use.put("after", u.after());
            return use;
        }).toList());
        return json;
    }

    private static void mixedSummary(MixedPrecision.Result mixed, String measuredOn, PrintStream out) {
        out.printf("  mixed precision, target top-1 agreement %.2f%% with FP32 on %s:%n", 100 * mixed.target(),
                measuredOn);
        out.printf("    all layers INT8: agreement %.2f%%, SNR %.1f dB%n", 100 * mixed.fullInt8().agreement(),
                mixed.fullInt8().snrDb());
        if (mixed.keptFloat().isEmpty()) {
            out.println("    no layer kept in FP32: the INT8 model meets the target");
        } else {
            out.printf("    kept in FP32 (the most sensitive; alone in INT8 each gives): %s%n",
                    String.join(", ", mixed.keptFloat().stream().map(l -> String.format("%s (SNR %.1f dB, agreement"
                            + " %.2f%%)", l.node(), l.snrDb(), 100 * l.agreement())).toList()));
            out.printf("    %s: agreement %.2f%%, SNR %.1f dB%n", mixed.met() ? "target met" : "target NOT met with"
                    + " every layer in FP32", 100 * mixed.chosen().agreement(), mixed.chosen().snrDb());
        }
        out.println("  layer sensitivity (that layer alone in INT8, the rest FP32), most sensitive first:");
        for (MixedPrecision.LayerSensitivity l : mixed.ranking()) {
            out.printf("    %-24s %-7s SNR %6.1f dB  agreement %6.2f%%%s%n", l.node(), l.opType(), l.snrDb(),
                    100 * l.agreement(), mixed.keptFloat().contains(l) ? "  kept FP32" : "");
        }
    }

    private static Map<String, Object> mixedJson(MixedPrecision.Result mixed, String measuredOn) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("targetAgreement", mixed.target());
        json.put("measuredOn", measuredOn);
        json.put("met", mixed.met());
        json.put("fullInt8Agreement", mixed.fullInt8().agreement());
        json.put("agreement", mixed.chosen().agreement());
        json.put("snrDb", finite(mixed.chosen().snrDb()));
        json.put("keptFloat", mixed.keptFloat().stream().map(QuantizeCommand::sensitivityJson).toList());
        json.put("sensitivity", mixed.ranking().stream().map(QuantizeCommand::sensitivityJson).toList());
        json.put("steps", mixed.steps().stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("keptFloat", s.keptFloat());
            step.put("agreement", s.agreement());
            step.put("snrDb", finite(s.snrDb()));
            step.put("weightBytes", s.weightBytes());
            return step;
        }).toList());
        return json;
    }

    private static Map<String, Object> sensitivityJson(MixedPrecision.LayerSensitivity l) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("node", l.node());
        json.put("op", l.opType());
        json.put("snrDb", finite(l.snrDb()));
        json.put("agreement", l.agreement());
        return json;
    }

    /** JSON has no infinity: identical outputs are written as null, as in the comparison. */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static void writeReport(Path report, Path model, Path calibration, Path output, QuantizeOptions options,
                                    BlockwiseWeightOnly weightOnly, Graph fp32, QuantizationResult result,
                                    MixedPrecision.Result mixed, String measuredOn, List<ModelMetrics> comparison)
            throws QuantizeException {
        if (report.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".html")) {
            List<String> context = new java.util.ArrayList<>();
            context.add("Quantized " + model + " -> " + output + " (" + howQuantized(result, weightOnly) + ")");
            context.add("Compared on the calibration data " + calibration + " (no labels: the charts show agreement)");
            result.notes().forEach(note -> context.add("note: " + note));
            if (mixed != null) {
                context.add("mixed precision: kept in FP32 " + (mixed.keptFloat().isEmpty() ? "no layer"
                        : String.join(", ", mixed.keptFloat().stream().map(l -> l.node()).toList())) + "; agreement "
                        + String.format("%.2f%%", 100 * mixed.chosen().agreement()) + " on " + measuredOn);
            }
            writeAtomically(report, HtmlReport.render("quantedge quantize", context, comparison));
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.toString());
        json.put("calibration", calibration == null ? null : calibration.toString());
        json.put("out", output.toString());
        json.put("scheme", result.scheme());
        if (weightOnly != null) {
            json.putAll(WeightOnlyOptions.json(weightOnly, fp32, comparison));
        } else {
            json.put("calibrator", result.calibrator());
            if (options.calibrator() instanceof PercentileCalibrator p) {
                json.put("percentile", p.percentile());
            }
            json.put("weights", options.weights().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            json.put("biasCorrection", options.biasCorrection());
        }
        json.put("equalization", result.equalization() == null ? null : equalizationJson(result.equalization()));
        json.put("foldedBatchNorms", result.foldedBatchNorms());
        json.put("layers", result.layers().stream().map(l -> Map.of("node", l.node(), "op", l.opType())).toList());
        Map<String, Object> ranges = new LinkedHashMap<>();
        result.ranges().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> ranges.put(e.getKey(), List.of(e.getValue().low(), e.getValue().high())));
        json.put("activationRanges", ranges);
        Map<String, Object> shifts = new LinkedHashMap<>();
        result.biasShift().forEach((layer, shift) -> shifts.put(layer, shift));
        json.put("biasShift", shifts);
        json.put("notes", result.notes());
        if (mixed != null) {
            json.put("mixedPrecision", mixedJson(mixed, measuredOn));
        }
        json.put("comparisonOnCalibrationData", comparison == null ? null : MetricsFormat.json(comparison));
        writeAtomically(report, new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting().create()
                .toJson(json) + "\n");
    }

    /** A reader sees the old report or the whole new one, never half of it. */
    private static void writeAtomically(Path report, String text) throws QuantizeException {
        Path temporary = report.toAbsolutePath().resolveSibling(report.getFileName() + ".tmp");
        try {
            try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(temporary,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    file.write(bytes);
                }
                // On disk before the rename, so a crash cannot leave a complete name over empty content.
                file.force(true);
            }
            Files.move(temporary, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The error reported is the write's; a leftover .tmp names itself.
            }
            throw new QuantizeException(QuantizeException.Code.WRITE, "writing the report " + report + " failed: "
                    + e.getMessage(), e);
        }
    }
}
