package io.quantedge.mqtt.update;

import com.google.gson.JsonObject;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.api.mqtt.GatewayCommand;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.mqtt.IncomingMessage;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Takes model packages over MQTT ({@code update/{job}/begin}, {@code chunk/{i}}, {@code end}, for
 * this gateway or one of its groups), assembles them on disk with bounded memory, and installs
 * them: checks size and SHA-256, stages the package in the store (which checks the signature and
 * every file), and deploys it (validation, swap, health window). Each state change is published
 * retained on {@code jobs/{job}}. Jobs survive reconnects and restarts: a job still receiving
 * reports the chunks it misses, so the sender resends only those. It also answers
 * {@code cmd/cancel {"job": ID}} for a job still receiving.
 */
@Component(service = GatewayCommand.class, immediate = true, configurationPid = "io.quantedge.updates",
        property = GatewayCommand.NAME_PROPERTY + "=cancel")
@Designate(ocd = UpdateOptions.class)
public final class ModelUpdateReceiver implements GatewayCommand {

    private static final int JOB_QOS = 1;

    private final GatewayConnection connection;
    private final ModelStore store;
    private final ModelServer server;
    private final Logger log;
    private final UpdateOptions limits;
    private final JobFiles files;
    private final Map<String, UpdateJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService installer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "quantedge-model-install");
        thread.setDaemon(true);
        return thread;
    });
    private final List<GatewayConnection.Subscription> subscriptions = new ArrayList<>();

    @Activate
    public ModelUpdateReceiver(@Reference GatewayConnection connection, @Reference ModelStore store,
                               @Reference ModelServer server, @Reference LoggerFactory loggers,
                               UpdateOptions limits, BundleContext context) throws IOException {
        this(connection, store, server, loggers.getLogger(ModelUpdateReceiver.class), limits,
                limits.stagingDir().isBlank() ? Path.of(context.getProperty("quantedge.data.dir"), "updates")
                        : Path.of(limits.stagingDir()));
    }

    ModelUpdateReceiver(GatewayConnection connection, ModelStore store, ModelServer server, Logger log,
                        UpdateOptions limits, Path stagingDir) throws IOException {
        this.connection = connection;
        this.store = store;
        this.server = server;
        this.log = log;
        this.limits = limits;
        this.files = new JobFiles(stagingDir);
        recover();
        subscriptions.add(connection.subscribe(connection.topic("update/#"), 1, this::received));
        for (String group : connection.groupTopics("update/#")) {
            subscriptions.add(connection.subscribe(group, 1, this::received));
        }
    }

    /** After a restart: jobs still receiving ask for what they miss; jobs cut off while installing fail. */
    private void recover() throws IOException {
        for (UpdateJob job : files.loadAll(limits)) {
            jobs.put(job.id, job);
            if (!job.state.finished() && job.state != JobState.RECEIVING) {
                job.endWith(JobState.FAILED, "INTERRUPTED", "the gateway restarted while the job was " + job.state
                        + "; the previous version is active; send the job again");
                files.dropPackage(job.id);
                files.save(job);
            }
            // The broker may have restarted with us and forgotten every job's retained state.
            report(job, !job.state.finished());
        }
    }

    @Deactivate
    void stop() {
        subscriptions.forEach(GatewayConnection.Subscription::close);
        installer.shutdownNow();
    }

    /** Topic levels after the gateway's (or group's) prefix: update/{job}/begin|chunk/{i}|end. */
    void received(IncomingMessage message) {
        String topic = message.topic();
        int at = topic.indexOf("/update/");
        String[] levels = topic.substring(at + "/update/".length()).split("/");
        if (levels.length < 2) {
            return;
        }
        String job = levels[0];
        try {
            switch (levels[1]) {
                case "begin" -> begin(job, message.payload());
                case "chunk" -> chunk(job, levels.length == 3 ? levels[2] : "", message.payload());
                case "end" -> end(job);
                default -> log.warn("Update job {}: unknown message {}", job, topic);
            }
        } catch (IOException e) {
            failJob(job, "IO", "cannot write the package on the gateway: " + e.getMessage());
        }
    }

    private void begin(String id, byte[] payload) throws IOException {
        if (!UpdateRequest.isValidJobId(id)) {
            publish(id, JobReport.refused(id, "BAD_REQUEST", "job id '" + id + "' is not 1 to 64 letters, digits, . _ -"));
            return;
        }
        UpdateRequest request;
        try {
            request = BeginMessage.parse(payload, limits);
        } catch (UpdateException e) {
            publish(id, JobReport.refused(id, e.code(), e.getMessage()));
            return;
        }
        UpdateJob known = jobs.get(id);
        if (known != null && known.request.equals(request)) {
            // A repeated job id: answer where it stands (finished: its outcome; receiving: what it misses).
            report(known, true);
            return;
        }
        if (known != null) {
            publish(id, JobReport.refused(id, "CONFLICT", "job " + id + " exists for " + known.request.model() + " "
                    + known.request.version() + "; use a new job id"));
            return;
        }
        Optional<UpdateJob> older = jobs.values().stream()
                .filter(j -> !j.state.finished() && j.request.model().equals(request.model())).findFirst();
        if (older.isPresent() && !supersede(older.get(), id, request)) {
            publish(id, JobReport.refused(id, "BUSY", "job " + older.get().id + " is installing " + request.model()
                    + "; one job per model at a time"));
            return;
        }
        long free = Files.getFileStore(files.root()).getUsableSpace();
        // The package, then its extracted files in the store: room for both, or refuse before writing.
        if (free < 2 * request.sizeBytes()) {
            publish(id, JobReport.refused(id, "NO_SPACE", "the gateway has " + free + " bytes free, the package needs "
                    + 2 * request.sizeBytes()));
            return;
        }
        UpdateJob job = UpdateJob.begun(id, request);
        files.save(job);
        jobs.put(id, job);
        log.info("Update job {}: receiving {} {} ({} bytes{})", id, request.model(), request.version(),
                request.sizeBytes(), request.url().map(u -> " from " + u).orElse(", " + request.chunks() + " chunks"));
        report(job, false);
        if (request.url().isPresent()) {
            installer.execute(() -> install(job));
        }
    }

    /**
     * The newest job for a model wins over one still receiving: a sender that gave up (or a gateway
     * restart that cut its job off) must not block the model's updates until someone cancels it.
     * A job already installing is left to finish; false then.
     */
    private boolean supersede(UpdateJob older, String newer, UpdateRequest request) {
        synchronized (older) { // against a last chunk that starts its install now
            if (older.state != JobState.RECEIVING) {
                return older.state.finished();
            }
            log.info("Update job {}: superseded by job {} ({} {})", older.id, newer, request.model(), request.version());
            failJob(older.id, "SUPERSEDED", "job " + newer + " brings " + request.model() + " " + request.version()
                    + " instead");
            return true;
        }
    }

    private void chunk(String id, String indexText, byte[] payload) throws IOException {
        UpdateJob job = jobs.get(id);
        if (job == null) {
            log.debug("Update job {}: chunk {} ignored (no such job)", id, indexText);
            return;
        }
        synchronized (job) { // against cmd/cancel, which runs on another handler
            receiveChunk(job, indexText, payload);
        }
    }

    private void receiveChunk(UpdateJob job, String indexText, byte[] payload) throws IOException {
        String id = job.id;
        if (job.state != JobState.RECEIVING || job.request.url().isPresent()) {
            log.debug("Update job {}: chunk {} ignored (the job is not receiving chunks)", id, indexText);
            return;
        }
        int index;
        try {
            index = Integer.parseInt(indexText);
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (index < 0 || index >= job.request.chunks()) {
            failJob(id, "BAD_CHUNK", "chunk index '" + indexText + "' is outside 0.." + (job.request.chunks() - 1));
            return;
        }
        if (payload.length != job.request.chunkSize(index)) {
            failJob(id, "BAD_CHUNK", "chunk " + index + " has " + payload.length + " bytes, expected "
                    + job.request.chunkSize(index));
            return;
        }
        try (FileChannel channel = FileChannel.open(files.packageFile(id), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(payload);
            long position = (long) index * job.request.chunkBytes();
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            channel.force(false);
        }
        int before = (int) (job.progress() * 10);
        job.received.set(index);
        files.save(job);
        if ((int) (job.progress() * 10) != before) {
            report(job, false);
        }
    }

    private void end(String id) {
        UpdateJob job = jobs.get(id);
        if (job == null) {
            publish(id, JobReport.refused(id, "UNKNOWN_JOB", "no begin was received for job " + id));
            return;
        }
        if (job.state != JobState.RECEIVING || job.request.url().isPresent()) {
            report(job, false); // a URL job installs once its download ends, not on "end"
            return;
        }
        if (!job.complete()) {
            report(job, true);
            return;
        }
        installer.execute(() -> install(job));
    }

    @Override
    public String execute(String requestJson) throws CommandException {
        com.google.gson.JsonElement job = com.google.gson.JsonParser.parseString(requestJson).getAsJsonObject().get("job");
        if (job == null || !job.isJsonPrimitive()) {
            throw new CommandException("BAD_REQUEST", "cancel needs {\"job\": ID}");
        }
        String id = job.getAsString();
        UpdateJob known = jobs.get(id);
        if (known == null) {
            throw new CommandException("NOT_FOUND", "no job " + id);
        }
        synchronized (known) {
            if (known.state != JobState.RECEIVING) {
                throw new CommandException("INVALID_STATE", "job " + id + " is " + known.state
                        + "; only a job still receiving can be cancelled");
            }
            failJob(id, "CANCELLED", "cancelled on request");
        }
        return JobReport.of(known, false).toString();
    }

    /** Verify, stage, deploy: one job at a time, off the MQTT handler. */
    private void install(UpdateJob job) {
        Path packageFile = files.packageFile(job.id);
        UpdateRequest request = job.request;
        try {
            if (request.url().isPresent()) {
                PackageDownload.fetch(request.url().get(), request.sizeBytes(), packageFile);
            }
            step(job, JobState.VERIFYING);
            checkSizeAndHash(packageFile, request);
            StoredModel staged = stage(packageFile, request);
            step(job, JobState.VALIDATING);
            server.deploy(staged.name(), staged.version(), (step, detail) -> {
                if (step != io.quantedge.api.serving.DeploymentProgress.Step.VALIDATING) {
                    step(job, JobState.ACTIVATING);
                }
            });
            step(job, JobState.ACTIVE);
            log.info("Update job {}: {} {} is active", job.id, request.model(), request.version());
        } catch (UpdateException e) {
            finish(job, e.code(), e.getMessage(), JobState.FAILED);
        } catch (DeploymentException e) {
            finish(job, e.code().name(), e.getMessage(),
                    e.code() == DeploymentException.Code.ROLLED_BACK ? JobState.ROLLED_BACK : JobState.FAILED);
        } catch (IOException | RuntimeException e) {
            finish(job, "INTERNAL", e.toString(), JobState.FAILED);
        } finally {
            try {
                files.dropPackage(job.id);
                files.save(job);
                for (String pruned : files.pruneFinished(List.copyOf(jobs.values()), limits.finishedJobsKept())) {
                    jobs.remove(pruned);
                    connection.publish(connection.topic("jobs/" + pruned), new byte[0], JOB_QOS, true);
                }
            } catch (IOException e) {
                log.warn("Update job {}: cannot tidy its files: {}", job.id, e.getMessage());
            }
        }
    }

    private StoredModel stage(Path packageFile, UpdateRequest request) throws UpdateException {
        StoredModel staged;
        try {
            staged = store.stage(packageFile);
        } catch (PackageException e) {
            throw new UpdateException(e.code().name(), e.getMessage(), e);
        } catch (ModelStoreException e) {
            throw new UpdateException(e.code().name(), e.getMessage(), e);
        }
        if (!staged.name().equals(request.model()) || !staged.version().equals(request.version())) {
            String reason = "the begin message announced " + request.model() + " " + request.version()
                    + " but the package holds " + staged.name() + " " + staged.version();
            try {
                store.recordFailure(staged.name(), staged.version(), reason);
            } catch (ModelStoreException e) {
                log.warn("Update: cannot record the failure of {} {}: {}", staged.name(), staged.version(),
                        e.getMessage());
            }
            throw new UpdateException("MISMATCH", reason);
        }
        return staged;
    }

    private static void checkSizeAndHash(Path packageFile, UpdateRequest request) throws IOException, UpdateException {
        long size = Files.size(packageFile);
        if (size != request.sizeBytes()) {
            throw new UpdateException("SIZE_MISMATCH", "received " + size + " bytes, announced " + request.sizeBytes());
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(packageFile)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(request.sha256())) {
            throw new UpdateException("HASH_MISMATCH", "the package's SHA-256 is " + actual + ", announced "
                    + request.sha256());
        }
    }

    private void step(UpdateJob job, JobState state) {
        if (job.state == state) {
            return;
        }
        job.moveTo(state);
        try {
            files.save(job);
        } catch (IOException e) {
            log.warn("Update job {}: cannot record state {}: {}", job.id, state, e.getMessage());
        }
        report(job, false);
    }

    private void finish(UpdateJob job, String code, String message, JobState state) {
        job.endWith(state, code, message);
        log.warn("Update job {} ({} {}): {} {}: {}", job.id, job.request.model(), job.request.version(), state, code,
                message);
        report(job, false);
    }

    private void failJob(String id, String code, String message) {
        UpdateJob job = jobs.get(id);
        if (job == null) {
            publish(id, JobReport.refused(id, code, message));
            return;
        }
        finish(job, code, message, JobState.FAILED);
        try {
            files.dropPackage(id);
            files.save(job);
        } catch (IOException e) {
            log.warn("Update job {}: cannot record the failure: {}", id, e.getMessage());
        }
    }

    private void report(UpdateJob job, boolean withMissing) {
        publish(job.id, JobReport.of(job, withMissing));
    }

    private void publish(String job, JsonObject report) {
        if (!connection.publish(connection.topic("jobs/" + job), report.toString().getBytes(StandardCharsets.UTF_8),
                JOB_QOS, true)) {
            log.debug("Update job {}: not connected; state {} goes out once the connection is back", job,
                    report.get("state"));
        }
    }
}
