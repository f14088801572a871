package io.quantedge.serving;

import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.DeploymentException.Code;
import io.quantedge.api.serving.DeploymentProgress;
import io.quantedge.api.serving.DeploymentProgress.Step;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.serving.ServedModelListener;
import io.quantedge.api.serving.ServedRun;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.tensor.Tensor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Serves the store's active version of every model, and deploys new ones: validate (load, test
 * vectors), activate (record in the store, then swap), watch the health window with the previous
 * version still loaded, and keep the new one or swap straight back. The store is written before
 * the swap, so after a crash at any point the gateway restarts on whatever the store last recorded.
 */
@Component(service = ModelServer.class, configurationPid = "io.quantedge.serving",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ServingOptions.class)
public final class GatewayModelServer implements ModelServer {

    private final InferenceEngine engine;
    private final ModelStore store;
    private final Logger log;
    private final Map<String, ServedSlot> slots = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> deployments = new ConcurrentHashMap<>();
    private volatile ServingOptions options;
    /** Guarded by itself, so a listener being added sees the replay and later changes in order. */
    private final List<ServedModelListener> listeners = new ArrayList<>();

    @Activate
    public GatewayModelServer(@Reference InferenceEngine engine, @Reference ModelStore store,
                              @Reference LoggerFactory loggers, ServingOptions options) {
        this.engine = engine;
        this.store = store;
        this.log = loggers.getLogger(GatewayModelServer.class);
        this.options = options;
        for (String name : new TreeSet<>(store.modelNames())) {
            store.active(name).ifPresent(active -> serveAtStart(name, active));
        }
    }

    @Modified
    void configure(ServingOptions changed) {
        this.options = changed;
    }

    /** Registers {@code listener} and tells it every model served now. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(ServedModelListener listener) {
        synchronized (listeners) {
            listeners.add(listener);
            for (String name : new TreeSet<>(slots.keySet())) {
                served(name).ifPresent(info -> tell(listener, info));
            }
        }
    }

    public void removeListener(ServedModelListener listener) {
        synchronized (listeners) {
            listeners.remove(listener);
        }
    }

    /** After every change of what {@code info.name()} serves. */
    private void changed(ServedModel info) {
        synchronized (listeners) {
            listeners.forEach(listener -> tell(listener, info));
        }
    }

    private void tell(ServedModelListener listener, ServedModel info) {
        try {
            listener.served(info);
        } catch (RuntimeException e) {
            // A listener's failure (a publish, say) must not undo or stop a deployment.
            log.error("Model {}: a listener of served models failed: {}", info.name(), e.toString());
        }
    }

    private void serveAtStart(String name, StoredModel active) {
        try {
            ServedSlot slot = new ServedSlot(load(active, Optional.empty()));
            slots.put(name, slot);
            log.info("Serving {} version {}", name, active.version());
            changed(slot.current().info());
        } catch (DeploymentException e) {
            // The store only activates versions that loaded; one that stops loading (a new engine
            // without an operator, say) is rolled back rather than leaving the model unserved.
            log.error("Model {} version {} does not load ({}); rolling back", name, active.version(), e.getMessage());
            try {
                rollback(name, "does not load at start: " + e.getMessage());
            } catch (DeploymentException again) {
                log.error("Model {} is not served: {}", name, again.getMessage());
            }
        }
    }

    @Override
    public Set<String> models() {
        return Set.copyOf(slots.keySet());
    }

    @Override
    public Optional<ServedModel> served(String model) {
        return Optional.ofNullable(slots.get(model)).map(slot -> slot.current().info());
    }

    @Override
    public ServedRun run(String model, Map<String, Tensor> inputs) throws InferenceException {
        ServedSlot slot = slots.get(model);
        if (slot == null) {
            throw new InferenceException(InferenceException.Code.NOT_SERVED, "no model '" + model + "' is served; "
                    + "served: " + new TreeSet<>(slots.keySet()));
        }
        return slot.run(inputs);
    }

    @Override
    public ServedModel deploy(String model, String version, DeploymentProgress progress) throws DeploymentException {
        ReentrantLock lock = deployments.computeIfAbsent(model, name -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new DeploymentException(Code.BUSY, "a deployment of " + model + " is under way");
        }
        try {
            progress.step(Step.VALIDATING, "loading " + model + " " + version + " and checking it");
            StoredModel staged = stored(model, version);
            ServedSlot slot = slots.get(model);
            ServedSlot.Active next = load(staged, Optional.ofNullable(slot).map(s -> s.current().info().version()));
            validate(next, staged);

            progress.step(Step.ACTIVATING, "swapping " + model + " to " + version);
            try {
                store.markValidated(model, version);
                store.activate(model, version);
            } catch (ModelStoreException e) {
                next.model().close();
                throw new DeploymentException(Code.STORE_FAILED, "the store did not record " + version + ": "
                        + e.getMessage(), e);
            }
            if (slot == null) {
                slots.put(model, new ServedSlot(next));
                log.info("Serving {} version {}", model, version);
                changed(next.info());
                return next.info();
            }
            return watch(slot, next, progress);
        } finally {
            lock.unlock();
        }
    }

    /** Swaps {@code next} in, watches it, and keeps it or goes back to what it replaced. */
    private ServedModel watch(ServedSlot slot, ServedSlot.Active next, DeploymentProgress progress)
            throws DeploymentException {
        ServingOptions limits = options;
        HealthWindow window = new HealthWindow(limits.healthWindowRuns(), limits.healthWindowSeconds(),
                limits.maxErrorRate(), limits.maxP99LatencyMs());
        slot.watch(window);
        ServedSlot.Active previous = slot.swap(next);
        changed(next.info());
        String model = next.info().name();
        progress.step(Step.WATCHING, "watching " + limits.healthWindowRuns() + " runs or "
                + limits.healthWindowSeconds() + " s");
        try {
            window.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slot.stopWatching();
        }
        String breach = window.breach();
        if (breach == null) {
            previous.model().close();
            log.info("Model {} version {} kept ({})", model, next.info().version(), window.summary());
            return next.info();
        }
        slot.swap(previous);
        changed(previous.info());
        next.model().close();
        String reason = "health window: " + breach;
        try {
            store.rollback(model, reason);
        } catch (ModelStoreException e) {
            log.error("Model {}: swapped back to {} but the store did not record it: {}", model,
                    previous.info().version(), e.getMessage());
        }
        log.warn("Model {} version {} rolled back to {}: {}", model, next.info().version(), previous.info().version(),
                breach);
        throw new DeploymentException(Code.ROLLED_BACK, reason + "; " + previous.info().version() + " is active again");
    }

    @Override
    public ServedModel rollback(String model, String reason) throws DeploymentException {
        ReentrantLock lock = deployments.computeIfAbsent(model, name -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new DeploymentException(Code.BUSY, "a deployment of " + model + " is under way");
        }
        try {
            StoredModel target;
            try {
                target = store.rollback(model, reason);
            } catch (ModelStoreException e) {
                Code code = e.code() == ModelStoreException.Code.NO_ROLLBACK_TARGET ? Code.NO_ROLLBACK_TARGET
                        : e.code() == ModelStoreException.Code.NOT_FOUND ? Code.NOT_FOUND : Code.STORE_FAILED;
                throw new DeploymentException(code, e.getMessage(), e);
            }
            ServedSlot slot = slots.get(model);
            ServedSlot.Active back = load(target, Optional.ofNullable(slot).map(s -> s.current().info().version()));
            if (slot == null) {
                slots.put(model, new ServedSlot(back));
            } else {
                slot.swap(back).model().close();
            }
            log.warn("Model {} rolled back to version {}: {}", model, target.version(), reason);
            changed(back.info());
            return back.info();
        } finally {
            lock.unlock();
        }
    }

    private StoredModel stored(String model, String version) throws DeploymentException {
        return store.versions(model).stream().filter(v -> v.version().equals(version)).findFirst()
                .orElseThrow(() -> new DeploymentException(Code.NOT_FOUND, model + " version " + version
                        + " is not in the store"));
    }

    private ServedSlot.Active load(StoredModel stored, Optional<String> replacing) throws DeploymentException {
        try {
            Model model = engine.load(stored.path());
            ServedModel info = new ServedModel(stored.name(), stored.version(), stored.sha256(), stored.sizeBytes(),
                    Instant.now(), replacing, model.report());
            return new ServedSlot.Active(model, info);
        } catch (ModelLoadException e) {
            throw new DeploymentException(Code.LOAD_FAILED, stored.name() + " " + stored.version() + " does not load: "
                    + e.getMessage(), e);
        }
    }

    private void validate(ServedSlot.Active candidate, StoredModel staged) throws DeploymentException {
        VerifiedPackage contents;
        try {
            contents = store.contents(staged.name(), staged.version());
        } catch (PackageException | ModelStoreException e) {
            candidate.model().close();
            throw new DeploymentException(Code.NOT_FOUND, "the package of " + staged.name() + " " + staged.version()
                    + " cannot be read: " + e.getMessage(), e);
        }
        Optional<String> problem = VersionValidation.problems(candidate.model(), contents);
        if (problem.isPresent()) {
            candidate.model().close();
            try {
                store.recordFailure(staged.name(), staged.version(), "validation: " + problem.get());
            } catch (ModelStoreException e) {
                log.warn("The store did not record the failure of {} {}: {}", staged.name(), staged.version(),
                        e.getMessage());
            }
            throw new DeploymentException(Code.VALIDATION_FAILED, problem.get());
        }
    }

    @Deactivate
    public void stop() {
        slots.values().forEach(slot -> slot.current().model().close());
        slots.clear();
    }
}
