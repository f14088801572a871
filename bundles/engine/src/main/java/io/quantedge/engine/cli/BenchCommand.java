package io.quantedge.engine.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.quantedge.api.cli.CliCommand;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.inputs.SeededInputs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code quantedge bench}: what each installed kernel backend brings to a model on this machine. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=bench",
    CliCommand.SUMMARY_PROPERTY + "=measure a model's latency on each kernel backend"
})
public final class BenchCommand implements CliCommand {

    /** One backend's figures; the field names are the JSON's. */
    record Result(String backend, int threads, double p50Ms, double p99Ms) {
    }

    private static final String REFERENCE = "scalar";

    private final List<ModelLoader> loaders;
    private final List<KernelBackend> backends;

    @Activate
    public BenchCommand(
            @Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY)
            List<ModelLoader> loaders,
            @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policyOption = ReferencePolicyOption.GREEDY)
            List<KernelBackend> backends) {
        this.loaders = List.copyOf(loaders);
        this.backends = List.copyOf(backends);
    }

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge bench: " + e.getMessage());
            err.print(BenchOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(BenchOptions.USAGE);
            return ExitCodes.OK;
        }
        List<KernelBackend> chosen = new ArrayList<>();
        for (String name : options.backends()) {
            KernelBackend backend = backends.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
            if (backend == null) {
                err.println("quantedge bench: no backend '" + name + "'; installed: "
                        + backends.stream().map(KernelBackend::name).sorted().toList());
                return ExitCodes.USAGE;
            }
            chosen.add(backend);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(backends);
            chosen.sort(java.util.Comparator.comparing(KernelBackend::name));
        }
        List<Result> results = new ArrayList<>();
        for (KernelBackend backend : chosen) {
            try {
                results.add(measure(backend, options));
            } catch (ModelLoadException e) {
                err.println("quantedge bench: " + options.model() + ": " + e.getMessage());
                return ExitCodes.MODEL_NOT_LOADED;
            } catch (InferenceException e) {
                err.println("quantedge bench: " + backend.name() + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        if (options.json()) {
            Gson gson = new GsonBuilder().disableHtmlEscaping().create();
            Map<String, Object> report = new java.util.LinkedHashMap<>();
            report.put("model", options.model().toString());
            report.put("results", results);
            out.println(gson.toJson(report));
        } else {
            print(options, results, out);
        }
        return ExitCodes.OK;
    }

    /** The model loaded for {@code backend} alone, with the reference for what it does not compute. */
    private Result measure(KernelBackend backend, BenchOptions options) throws Exception {
        List<KernelRegistry.Ranked> ranked = new ArrayList<>();
        ranked.add(new KernelRegistry.Ranked(backend, 1));
        backends.stream().filter(b -> b.name().equals(REFERENCE) && b != backend)
                .forEach(b -> ranked.add(new KernelRegistry.Ranked(b, 0)));
        KernelRegistry registry = new KernelRegistry(ranked);
        try (Model model = new Engine(() -> loaders, () -> registry).load(options.model())) {
            Map<String, Tensor> inputs = SeededInputs.forSpecs(model.inputs(), 42);
            int warmUp = Math.max(3, options.iterations() / 5);
            for (int i = 0; i < warmUp; i++) {
                model.run(inputs);
            }
            long[] nanos = new long[options.threads() * options.iterations()];
            ExecutorService pool = Executors.newFixedThreadPool(options.threads());
            try {
                List<Future<long[]>> runs = new ArrayList<>();
                for (int t = 0; t < options.threads(); t++) {
                    runs.add(pool.submit(() -> timedRuns(model, inputs, options.iterations())));
                }
                for (int t = 0; t < runs.size(); t++) {
                    System.arraycopy(runs.get(t).get(), 0, nanos, t * options.iterations(), options.iterations());
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } finally {
                pool.shutdownNow();
            }
            Arrays.sort(nanos);
            return new Result(backend.name(), options.threads(), percentile(nanos, 0.50), percentile(nanos, 0.99));
        }
    }

    private static long[] timedRuns(Model model, Map<String, Tensor> inputs, int iterations) throws InferenceException {
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            model.run(inputs);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private static void print(BenchOptions options, List<Result> results, PrintStream out) {
        double fastest = results.stream().mapToDouble(Result::p50Ms).min().orElse(1);
        out.printf("Model: %s (dynamic dimensions 1, %d thread(s), %d runs each)%n", options.model(),
                options.threads(), options.iterations());
        out.printf("%-24s %10s %10s %12s%n", "backend", "p50 ms", "p99 ms", "p50/fastest");
        for (Result r : results) {
            out.printf("%-24s %10.3f %10.3f %12.2f%n", r.backend(), r.p50Ms(), r.p99Ms(), r.p50Ms() / fastest);
        }
    }
}
