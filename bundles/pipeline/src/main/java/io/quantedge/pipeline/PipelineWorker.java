package io.quantedge.pipeline;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.result.InferenceResult;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.serving.ServedRun;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.pipeline.image.FrameException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One pipeline at work: takes a sensor's frames into a drop-oldest queue on the sensor's thread
 * (never blocking it), and on its own single worker thread turns each frame into a result:
 * preprocess, run the served model (whichever version is served now), postprocess, filter,
 * publish. Counts what it receives, drops, fails on and publishes, and logs a one-line summary
 * every few seconds.
 */
final class PipelineWorker implements FrameListener {

    /** The model package of a served version: its manifest and the labels of its outputs, if the store has it. */
    interface PackageSource {
        Optional<Described> describe(String model, String version);
    }

    /** A manifest with the labels its classification output refers to (empty when none). */
    record Described(PackageManifest manifest, List<String> labels) {
    }

    /** Where the worker's log lines go. */
    interface Events {
        void info(String line);

        void warn(String line);
    }

    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int LATENCY_WINDOW = 1024;

    private record Arrival(Frame frame, long nanos) {
    }

    private final PipelineSettings settings;
    private final ModelServer server;
    private final PackageSource packages;
    private final Consumer<InferenceResult> publisher;
    private final Supplier<String> gatewayId;
    private final Events events;
    private final DropOldestQueue<Arrival> queue;
    private final ResultFilter filter;
    private final LatencyWindow latency = new LatencyWindow(LATENCY_WINDOW);
    private final LatencyWindow modelLatency = new LatencyWindow(LATENCY_WINDOW);
    private final Thread thread;
    private final InputTaps taps;
    private volatile boolean running;

    private ModelStage stage;
    private String failedVersion;
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    // Written by the worker thread only; read by metrics and summaries.
    private volatile long processed;
    private volatile long unserved;
    private volatile long badFrames;
    private volatile long errors;
    private volatile long published;
    private volatile long labelled;
    private volatile long correct;
    private volatile String lastLabel = "";
    private volatile float lastScore = Float.NaN;
    private volatile String servedVersion = "";
    private volatile long modelBytes = -1;

    private long summaryProcessed;
    private long summaryLabelled;
    private long summaryCorrect;
    private long summaryAt = System.nanoTime();

    PipelineWorker(PipelineSettings settings, ModelServer server, PackageSource packages,
                   Consumer<InferenceResult> publisher, Supplier<String> gatewayId, Events events) {
        this.settings = settings;
        this.server = server;
        this.packages = packages;
        this.publisher = publisher;
        this.gatewayId = gatewayId;
        this.events = events;
        this.queue = new DropOldestQueue<>(settings.queueCapacity());
        this.filter = new ResultFilter(settings.publish(), Double.isNaN(settings.scoreThreshold()) ? 0
                : settings.scoreThreshold());
        this.taps = new InputTaps(settings.model(), this::warn);
        this.thread = new Thread(this::work, "quantedge-pipeline-" + settings.name());
        this.thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Stops the worker; frames still queued are discarded. */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    PipelineSettings settings() {
        return settings;
    }

    /** The model inputs of this pipeline's frames, for whoever listens. */
    InputTaps inputs() {
        return taps;
    }

    /** On the sensor's thread: queue the frame and return at once. */
    @Override
    public void onFrame(Frame frame) {
        queue.offer(new Arrival(frame, System.nanoTime()));
    }

    PipelineSnapshot snapshot() {
        return new PipelineSnapshot(settings.name(), settings.sensor(), settings.model(), servedVersion,
                queue.offered(), processed, queue.dropped(), unserved, badFrames, errors, published, queue.size(),
                queue.capacity(), latency.percentile(50), latency.percentile(99), modelLatency.percentile(50),
                modelLatency.percentile(99), labelled, correct, modelBytes, SensorStatistics.NONE);
    }

    private void work() {
        while (running) {
            try {
                Arrival arrival = queue.poll(200, TimeUnit.MILLISECONDS);
                if (arrival != null) {
                    process(arrival);
                }
                summarise();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                errors++;
                warn("Pipeline " + settings.name() + ": " + e);
            }
        }
    }

    private void process(Arrival arrival) {
        Optional<ServedModel> served = server.served(settings.model());
        if (served.isEmpty()) {
            unserved++;
            warn("Pipeline " + settings.name() + ": model '" + settings.model() + "' is not served (yet); frames are "
                    + "counted as unserved until it is");
            return;
        }
        ModelStage current = stageFor(served.get());
        if (current == null) {
            errors++;
            return;
        }
        Frame frame = arrival.frame();
        Map<String, Tensor> inputs;
        try {
            inputs = current.inputs(frame);
        } catch (FrameException e) {
            badFrames++;
            warn("Pipeline " + settings.name() + ": bad frame " + frame.sequence() + " of " + frame.sensorId() + ": "
                    + e.getMessage());
            return;
        }
        taps.offer(current.version(), inputs);
        ServedRun run;
        try {
            run = server.run(settings.model(), inputs);
        } catch (InferenceException e) {
            errors++;
            warn("Pipeline " + settings.name() + ": the model failed on frame " + frame.sequence() + ": "
                    + e.getMessage());
            return;
        }
        ModelStage.Outcome outcome = current.outcome(run.outputs());
        double millis = (System.nanoTime() - arrival.nanos()) / 1e6;
        InferenceResult result = new InferenceResult(gatewayId.get(), settings.name(), frame.sensorId(),
                frame.sequence(), frame.timestamp(), settings.model(), run.version(), millis, current.backend(),
                outcome.detections(), outcome.classes(), outcome.anomalyScore());
        latency.record(millis);
        modelLatency.record(run.latencyMs());
        account(frame, result);
        if (filter.publish(result)) {
            publisher.accept(result);
            published++;
        }
    }

    private void account(Frame frame, InferenceResult result) {
        processed++;
        String top = "";
        if (!result.classes().isEmpty()) {
            top = result.classes().get(0).label();
            lastScore = result.classes().get(0).score();
        } else if (!result.detections().isEmpty()) {
            top = result.detections().get(0).label();
            lastScore = result.detections().get(0).score();
        } else if (result.anomalyScore().isPresent()) {
            top = "anomaly score";
            lastScore = (float) result.anomalyScore().getAsDouble();
        }
        lastLabel = top;
        String known = frame.attributes().get(Frame.LABEL);
        if (known != null) {
            labelled++;
            if (known.equals(top)) {
                correct++;
            }
        }
    }

    /** The stage for the served version, bound anew when the version changed; null when it cannot bind. */
    private ModelStage stageFor(ServedModel served) {
        if (stage != null && stage.version().equals(served.version())) {
            return stage;
        }
        if (served.version().equals(failedVersion)) {
            return null;
        }
        Optional<Described> described = packages.describe(served.name(), served.version());
        try {
            stage = ModelStage.bind(settings, served, described.map(Described::manifest),
                    described.map(Described::labels).orElse(List.of()));
            servedVersion = served.version();
            modelBytes = served.report().weightBytes() + Math.max(0, served.report().plannedActivationBytes());
            failedVersion = null;
            events.info("Pipeline " + settings.name() + ": sensor " + settings.sensor() + " -> model "
                    + served.name() + " " + served.version() + " (" + stage.postprocessing().kind()
                    .toString().toLowerCase(Locale.ROOT) + (described.isPresent() ? ", with its package manifest" : "")
                    + ")");
            return stage;
        } catch (IllegalArgumentException e) {
            failedVersion = served.version();
            stage = null;
            events.warn("Pipeline " + settings.name() + " cannot run model " + served.name() + " "
                    + served.version() + ": " + e.getMessage());
            return null;
        }
    }

    private void warn(String line) {
        long now = System.nanoTime();
        // A broken camera or a missing model would otherwise write a line per frame.
        if (now - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = now;
            events.warn(line);
        }
    }

    private void summarise() {
        if (settings.summarySeconds() == 0) {
            return;
        }
        long now = System.nanoTime();
        double seconds = (now - summaryAt) / 1e9;
        if (seconds < settings.summarySeconds()) {
            return;
        }
        long done = processed;
        long seen = labelled;
        long right = correct;
        StringBuilder line = new StringBuilder("Pipeline ").append(settings.name()).append(": ")
                .append(String.format(Locale.ROOT, "%.1f fps", (done - summaryProcessed) / seconds))
                .append(String.format(Locale.ROOT, ", latency p50 %.2f ms p99 %.2f ms", latency.percentile(50),
                        latency.percentile(99)));
        if (!lastLabel.isEmpty()) {
            line.append(String.format(Locale.ROOT, ", last '%s' %.2f", lastLabel, lastScore));
        }
        if (seen > 0) {
            line.append(String.format(Locale.ROOT, ", accuracy %.1f%% of %d labelled (%.1f%% of the last %d)",
                    100.0 * right / seen, seen, seen == summaryLabelled ? Double.NaN
                            : 100.0 * (right - summaryCorrect) / (seen - summaryLabelled), seen - summaryLabelled));
        }
        line.append(", dropped ").append(queue.dropped()).append(", bad ").append(badFrames).append(", errors ")
                .append(errors);
        if (unserved > 0) {
            line.append(", before the model was served ").append(unserved);
        }
        events.info(line.toString());
        summaryProcessed = done;
        summaryLabelled = seen;
        summaryCorrect = right;
        summaryAt = now;
    }
}
