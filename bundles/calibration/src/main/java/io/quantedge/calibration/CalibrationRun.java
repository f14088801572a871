package io.quantedge.calibration;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.TestVectors;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.pipeline.PipelineInputs;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.onnx.writer.OnnxModelWriter;
import io.quantedge.quantize.Progress;
import io.quantedge.quantize.QuantizationResult;
import io.quantedge.quantize.QuantizeException;
import io.quantedge.quantize.QuantizeOptions;
import io.quantedge.quantize.Quantizer;
import io.quantedge.quantize.calibration.Calibrators;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The work of one calibration job, on a thread of its own: collect the pipeline's model inputs,
 * quantize the FP32 version with the first {@code frames} of them, compare the quantized model with
 * the FP32 one on the {@code holdout} frames after them, and only when they agree often enough
 * package the quantized model with the FP32 version's manifest (its pre- and postprocessing and
 * labels, a new version, test vectors from held-out frames), stage it in the store as derived from
 * the FP32 version, and deploy it like any update (validation, swap, health window, rollback).
 * Every state change goes to {@code changed}, which publishes the job's report.
 */
final class CalibrationRun implements Runnable {

    /** Frames whose inputs and quantized outputs become the package's test vectors. */
    private static final int TEST_CASES = 2;
    /** Timed single-frame runs per model for the latency figures. */
    private static final int LATENCY_RUNS = 50;
    /** A non-classifier's output agrees on a frame when its SNR against the FP32 output is at least this. */
    static final double AGREEING_SNR_DB = 20;
    private static final double DEFAULT_TOLERANCE = 1e-3;
    private static final String MODEL_FILE = "model.onnx";

    /** Everything the run needs, resolved and checked when the request was accepted. */
    record Plan(CalibrationRequest request, StoredModel base, VerifiedPackage baseContents, Graph fp32, String input,
                io.quantedge.api.tensor.Shape frameShape, PipelineInputs pipeline, long timeoutSeconds) {
    }

    /** Where the run ends early, with the code its report carries. */
    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        final CalibrationState state;
        final String code;

        Stop(CalibrationState state, String code, String message) {
            super(message);
            this.state = state;
            this.code = code;
        }
    }

    /** Thrown from the quantizer's progress callback to stop it when the job is cancelled. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private final CalibrationJob job;
    private final Plan plan;
    private final InferenceEngine engine;
    private final ModelStore store;
    private final ModelServer server;
    private final ModelPackages packages;
    private final Path workDirectory;
    private final Consumer<CalibrationJob> changed;

    CalibrationRun(CalibrationJob job, Plan plan, InferenceEngine engine, ModelStore store, ModelServer server,
                   ModelPackages packages, Path workDirectory, Consumer<CalibrationJob> changed) {
        this.job = job;
        this.plan = plan;
        this.engine = engine;
        this.store = store;
        this.server = server;
        this.packages = packages;
        this.workDirectory = workDirectory;
        this.changed = changed;
    }

    @Override
    public void run() {
        Path folder = workDirectory.resolve(job.id);
        try {
            work(folder);
        } catch (Stop e) {
            job.end(e.state, e.code, e.getMessage());
        } catch (IOException e) {
            job.end(CalibrationState.FAILED, "IO", "cannot write the quantized model on the gateway: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.end(CalibrationState.FAILED, "INTERRUPTED", "the gateway is stopping");
        } catch (RuntimeException e) {
            job.end(CalibrationState.FAILED, "INTERNAL", e.toString());
        } finally {
            deleteQuietly(folder); // before the final report: a finished job leaves nothing behind
        }
        changed.accept(job);
    }

    private void work(Path folder) throws Stop, IOException, InterruptedException {
        {
            FrameCollector frames = collect();
            CalibrationRequest request = plan.request();
            Tensor calibration = request.frames() == 0 ? null : frames.frames(0, request.frames());
            Tensor holdout = frames.frames(request.frames(), request.holdout());

            step(CalibrationState.CALIBRATING);
            QuantizationResult quantized = quantize(calibration);

            step(CalibrationState.VALIDATING);
            Files.createDirectories(folder);
            Path modelFile = folder.resolve(MODEL_FILE);
            OnnxModelWriter.write(quantized.graph(), modelFile);
            JsonObject report = validate(quantized, holdout, Files.size(modelFile));
            double agreement = report.get("agreement").getAsDouble();
            if (agreement < request.targetAgreement()) {
                report.addProperty("activated", false);
                report.addProperty("reason", String.format(java.util.Locale.ROOT,
                        "agreement %.4f on %d held-out frames is below the target %.4f; %s %s keeps serving",
                        agreement, request.holdout(), request.targetAgreement(), job.model,
                        server.served(job.model).map(s -> s.version()).orElse("(none)")));
                job.report(report);
                throw new Stop(CalibrationState.REJECTED, "TARGET_NOT_MET", report.get("reason").getAsString());
            }
            checkCancelled();
            Path packageFile = writePackage(folder, modelFile, holdout);
            stage(packageFile);
            job.report(report);
            step(CalibrationState.ACTIVATING);
            deploy();
            report.addProperty("activated", true);
            report.addProperty("reason", String.format(java.util.Locale.ROOT,
                    "agreement %.4f on %d held-out frames reaches the target %.4f", agreement, request.holdout(),
                    request.targetAgreement()));
            job.report(report);
            job.moveTo(CalibrationState.ACTIVE);
        }
    }

    private void step(CalibrationState state) {
        job.moveTo(state);
        changed.accept(job);
    }

    private void checkCancelled() throws Stop {
        if (job.cancelled()) {
            throw new Stop(CalibrationState.FAILED, "CANCELLED", "cancelled on request");
        }
    }

    private FrameCollector collect() throws Stop, InterruptedException {
        CalibrationRequest request = plan.request();
        int wanted = request.frames() + request.holdout();
        int step = Math.max(1, wanted / 10);
        // The pipeline's thread only counts; reports (a file forced to disk, a publish) go from this one.
        FrameCollector frames = new FrameCollector(job.model, plan.input(), plan.frameShape(), wanted, job::collected);
        changed.accept(job);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.timeoutSeconds());
        int reported = 0;
        try (PipelineInputs.Tap tap = plan.pipeline().listen(frames)) {
            while (!frames.await(200, TimeUnit.MILLISECONDS)) {
                if (frames.count() / step > reported / step) {
                    reported = frames.count();
                    changed.accept(job);
                }
                checkCancelled();
                if (System.nanoTime() > deadline) {
                    throw new Stop(CalibrationState.FAILED, "COLLECT_TIMEOUT", "pipeline " + job.pipeline + " gave "
                            + frames.count() + " of " + wanted + " frames in " + plan.timeoutSeconds() + " s"
                            + (frames.skipped() > 0 ? " (" + frames.skipped() + " frames of another shape skipped)"
                            : "") + "; is its sensor delivering?");
                }
            }
        }
        return frames;
    }

    /** {@code calibration} is null for a scheme that reads no frames. */
    private QuantizationResult quantize(Tensor calibration) throws Stop {
        SchemeRequest scheme = plan.request().scheme();
        QuantizeOptions options = QuantizeOptions.defaults()
                .withCalibrator(Calibrators.named(scheme.calibrator(), Calibrators.DEFAULT_PERCENTILE))
                .withWeights(scheme.weights())
                .withBiasCorrection(scheme.biasCorrection());
        Progress cancelling = (what, done, total) -> {
            if (job.cancelled()) {
                throw new Cancelled();
            }
        };
        try {
            return new Quantizer(engine).quantize(plan.fp32(), calibration, scheme.scheme(), options, cancelling);
        } catch (Cancelled e) {
            throw new Stop(CalibrationState.FAILED, "CANCELLED", "cancelled on request");
        } catch (QuantizeException e) {
            throw new Stop(CalibrationState.FAILED, "QUANTIZE_FAILED", e.getMessage());
        }
    }

    /** Agreement with the FP32 model on the held-out frames, sizes and latency: the report's figures. */
    private JsonObject validate(QuantizationResult quantized, Tensor holdout, long quantizedBytes) throws Stop {
        CalibrationRequest request = plan.request();
        try (Model reference = engine.load(plan.fp32(), job.model + "-" + job.fromVersion);
             Model candidate = engine.load(quantized.graph(), job.model + "-" + job.version)) {
            float[] expected = Evaluator.outputs(reference, plan.input(), holdout, 50, n -> { });
            float[] got = Evaluator.outputs(candidate, plan.input(), holdout, 50, n -> { });
            int perFrame = expected.length / request.holdout();
            boolean classifier = isClassifier(perFrame);
            double agreement = classifier
                    ? Comparison.agreement(Comparison.top1(expected, perFrame), Comparison.top1(got, perFrame))
                    : snrAgreement(expected, got, perFrame);
            JsonObject report = new JsonObject();
            report.addProperty("framesUsed", request.frames());
            report.addProperty("holdoutFrames", request.holdout());
            request.scheme().describe(report, quantized.calibrator());
            report.addProperty("agreementKind", classifier ? "top1" : "snr>=" + (int) AGREEING_SNR_DB + "dB");
            report.addProperty("agreement", Math.round(agreement * 10000) / 10000.0);
            report.addProperty("targetAgreement", request.targetAgreement());
            report.addProperty("snrDb", Math.round(Comparison.snrDb(expected, got) * 100) / 100.0);
            report.addProperty("fp32Bytes", plan.base().sizeBytes());
            report.addProperty("quantizedBytes", quantizedBytes);
            report.addProperty("layersQuantized", quantized.layers().size());
            report.addProperty("fp32LatencyP50Ms", round3(p50(reference, holdout)));
            report.addProperty("quantizedLatencyP50Ms", round3(p50(candidate, holdout)));
            report.addProperty("newVersion", job.version);
            JsonArray notes = new JsonArray();
            quantized.notes().forEach(notes::add);
            report.add("notes", notes);
            return report;
        } catch (ModelLoadException e) {
            throw new Stop(CalibrationState.FAILED, "LOAD_FAILED", "the quantized model does not load: "
                    + e.getMessage());
        } catch (QuantizeException | InferenceException e) {
            throw new Stop(CalibrationState.FAILED, "VALIDATION_FAILED", e.getMessage());
        }
    }

    /** What the FP32 manifest says the output is; without postprocessing, several values per frame mean classes. */
    private boolean isClassifier(int valuesPerFrame) {
        Optional<Postprocessing> post = plan.baseContents().manifest().outputs().stream()
                .map(OutputSpec::postprocessing).flatMap(Optional::stream).findFirst();
        return post.map(p -> p.kind() == Postprocessing.Kind.CLASSIFICATION).orElse(valuesPerFrame > 1);
    }

    private static double snrAgreement(float[] expected, float[] got, int perFrame) {
        int frames = expected.length / perFrame;
        int agreeing = 0;
        for (int f = 0; f < frames; f++) {
            float[] a = Arrays.copyOfRange(expected, f * perFrame, (f + 1) * perFrame);
            float[] b = Arrays.copyOfRange(got, f * perFrame, (f + 1) * perFrame);
            if (Comparison.snrDb(a, b) >= AGREEING_SNR_DB) {
                agreeing++;
            }
        }
        return (double) agreeing / frames;
    }

    private double p50(Model model, Tensor frames) throws InferenceException {
        int count = frames.shape().dim(0);
        long[] nanos = new long[LATENCY_RUNS];
        for (int i = 0; i < LATENCY_RUNS + 5; i++) {
            Tensor one = frame(frames, i % count);
            long start = System.nanoTime();
            model.run(Map.of(plan.input(), one));
            if (i >= 5) {
                nanos[i - 5] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return nanos[LATENCY_RUNS / 2] / 1e6;
    }

    private static Tensor frame(Tensor frames, int index) {
        return io.quantedge.quantize.Batches.slice(frames, index, 1);
    }

    /**
     * The quantized model packaged with the FP32 version's manifest: same inputs (preprocessing),
     * outputs (postprocessing, labels files) and requirements; test vectors from held-out frames.
     */
    private Path writePackage(Path folder, Path modelFile, Tensor holdout) throws Stop, IOException {
        PackageManifest base = plan.baseContents().manifest();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(MODEL_FILE, modelFile);
        for (OutputSpec output : base.outputs()) {
            if (output.labels().isPresent()) {
                files.put(output.labels().get(), plan.baseContents().file(output.labels().get()));
            }
        }
        List<TestVectors.TestCase> cases = new java.util.ArrayList<>();
        try (Model quantized = engine.load(modelFile)) {
            for (int c = 0; c < Math.min(TEST_CASES, holdout.shape().dim(0)); c++) {
                Tensor input = frame(holdout, c);
                Map<String, Tensor> outputs = quantized.run(Map.of(plan.input(), input));
                Map<String, String> inputPaths = Map.of(plan.input(), vector(files, folder, "input-" + c, input));
                Map<String, String> outputPaths = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
                    outputPaths.put(output.getKey(), vector(files, folder, "output-" + c + "-" + outputs.keySet()
                            .stream().toList().indexOf(output.getKey()), output.getValue()));
                }
                cases.add(new TestVectors.TestCase(inputPaths, outputPaths));
            }
        } catch (ModelLoadException | InferenceException e) {
            throw new Stop(CalibrationState.FAILED, "LOAD_FAILED", "the written quantized model does not run: "
                    + e.getMessage());
        }
        double tolerance = base.testVectors().map(TestVectors::tolerance).orElse(DEFAULT_TOLERANCE);
        PackageContents contents = new PackageContents(base.name(), job.version, MODEL_FILE, files, base.inputs(),
                base.outputs(), Optional.of(new TestVectors(tolerance, cases)), base.requires());
        Path packageFile = folder.resolve("package.qmp");
        try {
            // Unsigned: no key lives on the gateway. The store takes it as derived from the signed FP32 version.
            packages.write(contents, Optional.empty(), packageFile);
        } catch (PackageException e) {
            throw new Stop(CalibrationState.FAILED, e.code().name(), e.getMessage());
        }
        return packageFile;
    }

    private static String vector(Map<String, Path> files, Path folder, String name, Tensor tensor) throws IOException {
        String path = "calibration-vectors/" + name + ".npy";
        Path file = folder.resolve(name + ".npy");
        NpyFile.write(file, tensor);
        files.put(path, file);
        return path;
    }

    private void stage(Path packageFile) throws Stop {
        try {
            store.stageDerived(packageFile, job.fromVersion);
        } catch (PackageException e) {
            throw new Stop(CalibrationState.FAILED, e.code().name(), e.getMessage());
        } catch (ModelStoreException e) {
            throw new Stop(CalibrationState.FAILED, e.code().name(), e.getMessage());
        }
    }

    private void deploy() throws Stop {
        try {
            // ACTIVATING covers the store's validation of the package, the swap and the health window.
            server.deploy(job.model, job.version, (step, detail) -> { });
        } catch (DeploymentException e) {
            throw new Stop(e.code() == DeploymentException.Code.ROLLED_BACK ? CalibrationState.ROLLED_BACK
                    : CalibrationState.FAILED, e.code().name(), e.getMessage());
        }
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the next start removes what is left
        }
    }
}
