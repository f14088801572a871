package io.quantedge.calibration;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.api.mqtt.GatewayCommand;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.pipeline.PipelineInputs;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.quantize.ModelFiles;
import io.quantedge.quantize.QuantizeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code cmd/calibrate}: checks a request at once and answers whether it is accepted, then runs
 * the calibration in the background ({@link CalibrationRun}), publishing each state retained on
 * {@code jobs/{job}} like update jobs. One calibration at a time. Also answers {@code cmd/cancel}
 * for its own jobs (the update receiver answers for its jobs; the dispatcher asks both).
 */
@Component(service = GatewayCommand.class, immediate = true, configurationPid = CalibrateCommand.PID,
        property = GatewayCommand.NAME_PROPERTY + "=calibrate")
@Designate(ocd = CalibrationOptions.class)
public final class CalibrateCommand implements GatewayCommand {

    static final String PID = "io.quantedge.calibration";
    private static final int JOB_QOS = 1;
    /** Operators that only a quantized graph has: such a model is not calibrated again. */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "MatMulInteger", "ConvInteger", "DynamicQuantizeLinear", "MatMulNBits", "QGemm");

    private final GatewayConnection connection;
    private final ModelStore store;
    private final ModelServer server;
    private final ModelPackages packages;
    private final InferenceEngine engine;
    private final List<ModelLoader> loaders;
    private final Logger log;
    private final CalibrationOptions options;
    private final Path workDirectory;
    private final JobRecords records;
    private final Map<String, PipelineInputs> pipelines = new ConcurrentHashMap<>();
    /** Every known job's last report, running or finished, in the order they were last changed. */
    private final Map<String, JsonObject> reports = new LinkedHashMap<>();
    private final Map<String, CalibrationJob> running = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "quantedge-calibration");
        thread.setDaemon(true);
        return thread;
    });
    private final ServiceRegistration<GatewayCommand> cancel;

    @Activate
    public CalibrateCommand(@Reference GatewayConnection connection, @Reference ModelStore store,
                            @Reference ModelServer server, @Reference ModelPackages packages,
                            @Reference InferenceEngine engine,
                            @Reference(cardinality = ReferenceCardinality.MULTIPLE,
                                    policyOption = ReferencePolicyOption.GREEDY) List<ModelLoader> loaders,
                            @Reference LoggerFactory loggers, CalibrationOptions options, BundleContext context)
            throws IOException {
        this(connection, store, server, packages, engine, loaders, loggers.getLogger(CalibrateCommand.class), options,
                options.workDirectory().isBlank()
                        ? Path.of(String.valueOf(context.getProperty("quantedge.data.dir")), "calibration")
                        : Path.of(options.workDirectory()), context);
    }

    CalibrateCommand(GatewayConnection connection, ModelStore store, ModelServer server, ModelPackages packages,
                     InferenceEngine engine, List<ModelLoader> loaders, Logger log, CalibrationOptions options,
                     Path workDirectory, BundleContext context) throws IOException {
        this.connection = connection;
        this.store = store;
        this.server = server;
        this.packages = packages;
        this.engine = engine;
        this.loaders = List.copyOf(loaders);
        this.log = log;
        this.options = options;
        this.workDirectory = workDirectory;
        this.records = new JobRecords(workDirectory.resolve("jobs"));
        recover();
        GatewayCommand cancelCommand = this::cancel;
        this.cancel = context == null ? null : context.registerService(GatewayCommand.class, cancelCommand,
                new Hashtable<>(Map.of(GatewayCommand.NAME_PROPERTY, "cancel")));
    }

    /** After a restart: jobs cut off end as interrupted; every kept report is published again. */
    private void recover() throws IOException {
        for (JsonObject report : records.loadAll()) {
            JsonObject last = report;
            if (!CalibrationState.valueOf(report.get("state").getAsString()).finished()) {
                last = CalibrationJob.interrupted(report);
                records.save(last);
            }
            synchronized (reports) {
                reports.put(last.get("job").getAsString(), last);
            }
            publish(last);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPipeline(PipelineInputs pipeline, Map<String, Object> properties) {
        Object name = properties.get(PipelineInputs.NAME_PROPERTY);
        if (name instanceof String text) {
            pipelines.put(text, pipeline);
        }
    }

    void removePipeline(PipelineInputs pipeline, Map<String, Object> properties) {
        pipelines.remove(String.valueOf(properties.get(PipelineInputs.NAME_PROPERTY)), pipeline);
    }

    @Deactivate
    void stop() throws InterruptedException {
        if (cancel != null) {
            try {
                cancel.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping and took it already
            }
        }
        running.values().forEach(CalibrationJob::cancel);
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public String execute(String requestJson) throws CommandException {
        CalibrationRequest request = CalibrationRequest.parse(requestJson, options.maxFrames());
        synchronized (reports) {
            if (reports.containsKey(request.job())) {
                throw new CommandException("CONFLICT", "job " + request.job() + " was used already (state "
                        + reports.get(request.job()).get("state").getAsString() + "); use a new job id");
            }
            if (!running.isEmpty()) {
                throw new CommandException("BUSY", "calibration " + running.keySet().iterator().next()
                        + " is running; one calibration at a time");
            }
            CalibrationRun.Plan plan = plan(request);
            CalibrationJob job = new CalibrationJob(request.job(), request.model(), plan.base().version(),
                    request.versionFor(plan.base().version()), request.pipeline(),
                    request.frames() + request.holdout());
            running.put(job.id, job);
            reports.put(job.id, job.toJson());
            worker.execute(new CalibrationRun(job, plan, engine, store, server, packages, workDirectory,
                    this::changed));
            log.info("Calibration {}: {} {} -> {} on {} + {} frames of pipeline {}", job.id, job.model,
                    job.fromVersion, job.version, request.frames(), request.holdout(), request.pipeline());
            JsonObject reply = job.toJson();
            reply.addProperty("accepted", true);
            return reply.toString();
        }
    }

    /** Everything the request names, found and checked; a refusal says what is wrong. */
    private CalibrationRun.Plan plan(CalibrationRequest request) throws CommandException {
        PipelineInputs pipeline = pipelines.get(request.pipeline());
        if (pipeline == null) {
            throw new CommandException("UNKNOWN_PIPELINE", "no pipeline '" + request.pipeline() + "' runs here; "
                    + "running: " + pipelines.keySet().stream().sorted().toList());
        }
        if (!pipeline.model().equals(request.model())) {
            throw new CommandException("PIPELINE_MODEL_MISMATCH", "pipeline " + request.pipeline() + " feeds model '"
                    + pipeline.model() + "', not '" + request.model() + "'");
        }
        if (!store.modelNames().contains(request.model())) {
            throw new CommandException("UNKNOWN_MODEL", "the store has no model '" + request.model() + "'");
        }
        StoredVersion base = baseVersion(request);
        String newVersion = request.versionFor(base.model().version());
        if (store.versions(request.model()).stream().anyMatch(v -> v.version().equals(newVersion))) {
            throw new CommandException("VERSION_EXISTS", request.model() + " " + newVersion + " is in the store "
                    + "already; name another newVersion");
        }
        if (!io.quantedge.api.modelpackage.PackageManifest.isValidName(newVersion)) {
            throw new CommandException("BAD_REQUEST", "the derived version '" + newVersion + "' is too long; give "
                    + "newVersion");
        }
        Graph graph;
        try {
            graph = ModelFiles.loadGraph(loaders, base.model().path());
        } catch (QuantizeException e) {
            throw new CommandException("LOAD_FAILED", e.getMessage());
        }
        checkFloat(graph, base.model());
        TensorSpec input = graph.inputs().get(0);
        int[] dims = input.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray();
        if (dims.length == 0) {
            throw new CommandException("UNSUPPORTED", "the model's input " + input + " has no batch dimension");
        }
        dims[0] = 1;
        Shape frame = Shape.of(dims);
        long bytes = FrameCollector.bytesFor(frame, (long) request.frames() + request.holdout());
        if (bytes > options.maxBytes() || bytes > Integer.MAX_VALUE) {
            throw new CommandException("TOO_LARGE", (request.frames() + request.holdout()) + " frames of " + frame
                    + " take " + bytes + " bytes; this gateway allows " + options.maxBytes() + " (maxBytes)");
        }
        VerifiedPackage contents;
        try {
            contents = store.contents(request.model(), base.model().version());
        } catch (PackageException | ModelStoreException e) {
            throw new CommandException("UNKNOWN_VERSION", "the package of " + request.model() + " "
                    + base.model().version() + " cannot be read: " + e.getMessage());
        }
        long timeout = request.timeoutSeconds().map(Integer::longValue).orElse((long) options.collectTimeoutSeconds());
        return new CalibrationRun.Plan(request, base.model(), contents, graph, input.name(), frame, pipeline, timeout);
    }

    private StoredVersion baseVersion(CalibrationRequest request) throws CommandException {
        String wanted = request.version().or(() -> store.active(request.model()).map(StoredModel::version))
                .orElseThrow(() -> new CommandException("UNKNOWN_VERSION", request.model() + " has no active version; "
                        + "name one in 'version'"));
        StoredVersion base = store.storedVersions(request.model()).stream()
                .filter(v -> v.model().version().equals(wanted)).findFirst()
                .orElseThrow(() -> new CommandException("UNKNOWN_VERSION", request.model() + " has no version '"
                        + wanted + "'"));
        if (base.state() == StoredVersion.State.FAILED) {
            throw new CommandException("INVALID_STATE", request.model() + " " + wanted + " failed (" + base.failure()
                    + "); calibrate a good version");
        }
        return base;
    }

    private static void checkFloat(Graph graph, StoredModel model) throws CommandException {
        String what = model.name() + " " + model.version();
        if (graph.inputs().size() != 1 || graph.inputs().get(0).type() != DataType.FP32) {
            throw new CommandException("NOT_FP32", what + " does not take one FP32 input (" + graph.inputs()
                    + "); the gateway calibrates FP32 models of one input");
        }
        for (Node node : graph.nodes()) {
            if (QUANTIZED_OPS.contains(node.opType())) {
                throw new CommandException("NOT_FP32", what + " is quantized already (it has " + node.opType()
                        + " nodes); calibrate its FP32 version");
            }
        }
    }

    /** {@code cmd/cancel {"job": ID}} for a calibration job; NOT_FOUND for other jobs, so the update receiver answers. */
    String cancel(String requestJson) throws CommandException {
        com.google.gson.JsonElement id = JsonParser.parseString(requestJson).getAsJsonObject().get("job");
        if (id == null || !id.isJsonPrimitive()) {
            throw new CommandException("BAD_REQUEST", "cancel needs {\"job\": ID}");
        }
        CalibrationJob job = running.get(id.getAsString());
        if (job == null) {
            synchronized (reports) {
                JsonObject finished = reports.get(id.getAsString());
                if (finished != null) {
                    throw new CommandException("INVALID_STATE", "calibration " + id.getAsString() + " is "
                            + finished.get("state").getAsString() + " already");
                }
            }
            throw new CommandException("NOT_FOUND", "no job " + id.getAsString());
        }
        if (!job.cancel()) {
            throw new CommandException("INVALID_STATE", "calibration " + job.id + " is " + job.state()
                    + "; it can be cancelled until it begins activating");
        }
        log.info("Calibration {}: cancel requested", job.id);
        JsonObject reply = job.toJson();
        reply.addProperty("cancelling", true);
        return reply.toString();
    }

    /** A job's state changed (on its thread): record it, publish it, and tidy when it finished. */
    private void changed(CalibrationJob job) {
        JsonObject report = job.toJson();
        boolean finished = job.state().finished();
        synchronized (reports) {
            reports.remove(job.id);
            reports.put(job.id, report); // last changed last
            if (finished) {
                running.remove(job.id);
            }
        }
        try {
            records.save(report);
        } catch (IOException e) {
            log.warn("Calibration {}: cannot record state {}: {}", job.id, job.state(), e.getMessage());
        }
        publish(report);
        if (finished) {
            log.info("Calibration {}: {}{}", job.id, job.state(), report.has("error")
                    ? " " + report.getAsJsonObject("error").get("code").getAsString() + ": "
                    + report.getAsJsonObject("error").get("message").getAsString() : "");
            prune();
        }
    }

    /** Forgets the oldest finished jobs beyond those kept, and clears their retained topics. */
    private void prune() {
        List<String> old;
        synchronized (reports) {
            List<String> finished = reports.entrySet().stream()
                    .filter(e -> CalibrationState.valueOf(e.getValue().get("state").getAsString()).finished())
                    .map(Map.Entry::getKey).toList();
            old = finished.subList(0, Math.max(0, finished.size() - options.finishedJobsKept()));
            old = List.copyOf(old);
            old.forEach(reports::remove);
        }
        for (String job : old) {
            try {
                records.delete(job);
            } catch (IOException e) {
                log.warn("Calibration {}: cannot remove its record: {}", job, e.getMessage());
            }
            connection.publish(connection.topic("jobs/" + job), new byte[0], JOB_QOS, true);
        }
    }

    private void publish(JsonObject report) {
        connection.publish(connection.topic("jobs/" + report.get("job").getAsString()),
                report.toString().getBytes(StandardCharsets.UTF_8), JOB_QOS, true);
    }
}
