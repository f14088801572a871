package io.quantedge.quantize.cli;

import com.google.gson.GsonBuilder;
import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.quantize.ModelFiles;
import io.quantedge.quantize.QuantizeException;
import io.quantedge.quantize.eval.Evaluator;
import io.quantedge.quantize.eval.ModelMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code quantedge eval}: several models on the same data, side by side against the first. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=eval",
    CliCommand.SUMMARY_PROPERTY + "=compare models (FP32 and quantized) on the same data: accuracy, agreement, SNR, size, latency"
})
public final class EvalCommand implements CliCommand {

    static final String USAGE = """
            Usage: quantedge eval --model A.onnx [--model B.onnx ...] --data X.npy|IMAGES/ [--labels Y.npy]
                                  [--preprocessing PACKAGE.qmp|manifest.json] [--classes labels.txt]
                                  [--format table|json|html] [--runs N]
              --model FILE    a model; the first is the reference for agreement and SNR (repeatable)
              --data DATA     .npy of N samples shaped as the models' one input (float32 N x ...), or
                              a folder of .png/.jpg images made into inputs by --preprocessing; with
                              one sub-folder per class (ImageNet style: cat/1.jpg, dog/2.jpg) the
                              sub-folder is each image's label
              --labels FILE   .npy of N integer class indices, for accuracy (optional)
              --preprocessing FILE  with an image folder: a model package, or its manifest.json,
                              whose input preprocessing applies (the pipeline's own code runs it)
              --classes FILE  with class sub-folders: the class names in the model's class order,
                              one a line (the package's labels file); default: the sub-folders'
                              names in sorted order, as PyTorch's ImageFolder numbers them
              --format F      table (default), json, or html (one offline page: the table and charts
                              of accuracy, or agreement, against weight size and p50 latency),
                              on standard output
              --runs N        single-sample runs timed per model for latency p50/p99 (default 200)
            Columns: file size, weight bytes (the file's initializers), planned peak activation
            bytes for one sample, top-1 accuracy against the
            labels, top-1 agreement with the first model, output SNR against the first model (dB),
            latency on the backends the engine chose. Samples run 50 at a time, and one at a time
            for a model with DynamicQuantizeLinear (its ranges are the whole input's, so a batch
            would change its results). Progress goes to standard error.
            """ + ExitCodes.HELP;

    private final List<ModelLoader> loaders;
    private final InferenceEngine engine;
    private final ModelPackages packages;

    @Activate
    public EvalCommand(
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<ModelLoader> loaders,
            @Reference InferenceEngine engine, @Reference ModelPackages packages) {
        this.loaders = List.copyOf(loaders);
        this.engine = engine;
        this.packages = packages;
    }

    /** Without package manifests: .npy data only. */
    public EvalCommand(List<ModelLoader> loaders, InferenceEngine engine) {
        this(loaders, engine, null);
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.print(USAGE);
            return ExitCodes.OK;
        }
        List<Path> models;
        Path data;
        Path labelsFile;
        Optional<Path> preprocessing;
        Optional<Path> classes;
        String format;
        int runs;
        try {
            Arguments a = Arguments.parse(args, Set.of("model", "data", "labels", "format", "runs", "preprocessing",
                    "classes"), Set.of());
            preprocessing = Optional.ofNullable(a.one("preprocessing", null)).map(Path::of);
            classes = Optional.ofNullable(a.one("classes", null)).map(Path::of);
            models = a.all("model").stream().map(Path::of).toList();
            if (models.isEmpty()) {
                throw new UsageException("at least one --model is required");
            }
            data = Path.of(a.required("data"));
            String labels = a.one("labels", null);
            labelsFile = labels == null ? null : Path.of(labels);
            format = a.one("format", "table");
            if (!Set.of("table", "json", "html").contains(format)) {
                throw new UsageException("--format is table, json or html, not '" + format + "'");
            }
            runs = a.positiveInt("runs", 200);
        } catch (UsageException e) {
            err.println("quantedge eval: " + e.getMessage());
            err.print(USAGE);
            return ExitCodes.USAGE;
        }
        try {
            List<Evaluator.Candidate> candidates = new ArrayList<>();
            for (Path model : models) {
                Graph graph = ModelFiles.loadGraph(loaders, model);
                candidates.add(new Evaluator.Candidate(model.getFileName().toString(), graph, size(model)));
            }
            SampleData.Loaded loaded = SampleData.load(data, "data", preprocessing, classes,
                    candidates.get(0).graph().inputs().get(0), packages);
            Tensor samples = loaded.samples();
            if (labelsFile != null && loaded.labels() != null) {
                throw new QuantizeException(QuantizeException.Code.BAD_DATA, "the class folders of " + data
                        + " label the images already; leave out --labels");
            }
            long[] labels = labelsFile == null ? loaded.labels() : ModelFiles.readLabels(labelsFile);
            List<ModelMetrics> metrics = new Evaluator(engine, runs).evaluate(candidates, samples, labels,
                    new ProgressBar(err));
            TreeSet<String> backends = new TreeSet<>();
            metrics.forEach(m -> backends.add(m.backends()));
            if (format.equals("json")) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("data", data.toString());
                report.put("labels", labelsFile != null ? labelsFile.toString()
                        : labels != null ? "class folders" : null);
                report.put("models", MetricsFormat.json(metrics));
                out.println(new GsonBuilder().disableHtmlEscaping().serializeNulls().setPrettyPrinting().create()
                        .toJson(report));
            } else if (format.equals("html")) {
                List<String> context = new ArrayList<>();
                context.add("data: " + loaded.description() + (labels == null
                        ? " (no labels: the charts show agreement)"
                        : ", labels: " + (labelsFile == null ? "the class folders" : labelsFile)));
                context.add("latency: " + runs + " single-sample runs per model, backends " + String.join(", ", backends));
                out.print(HtmlReport.render("quantedge eval", context, metrics));
            } else {
                MetricsFormat.table(metrics, String.join(", ", backends), out);
            }
            return ExitCodes.OK;
        } catch (QuantizeException e) {
            err.println("quantedge eval: error " + e.code() + ": " + e.getMessage());
            return ExitCodes.of(e);
        }
    }

    static long size(Path file) throws QuantizeException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new QuantizeException(QuantizeException.Code.MISSING_FILE, file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
