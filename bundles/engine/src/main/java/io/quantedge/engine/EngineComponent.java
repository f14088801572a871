package io.quantedge.engine;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The engine as a service. Tracks every model loader and kernel backend as they come and go
 * (greedy: a better-ranked backend is taken up at once). Whenever the backends or the
 * configuration change, it logs which backend now computes each operation and prepares every
 * model in use again, off the thread that reported the change, swapping each in without
 * dropping a run.
 */
@Component(service = InferenceEngine.class, immediate = true, configurationPid = "io.quantedge.engine")
@Designate(ocd = EngineOptions.class)
public final class EngineComponent implements InferenceEngine {

    private final Map<ModelLoader, Boolean> loaders = new ConcurrentHashMap<>();
    private final Map<KernelBackend, Integer> backends = new ConcurrentHashMap<>();
    private final ExecutorService reprepare = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "quantedge-engine-reprepare");
        t.setDaemon(true);
        return t;
    });
    private final Logger log;
    private final Engine engine;
    private volatile BackendSelection selection;
    /** The assignments last logged; touched only on the re-preparation thread. */
    private String loggedAssignments = "";

    @Activate
    public EngineComponent(@Reference(service = LoggerFactory.class) Logger log, EngineOptions options) {
        this.log = log;
        this.selection = BackendSelection.of(options);
        this.engine = new Engine(() -> List.copyOf(loaders.keySet()), this::registry);
        // No report here: DS binds the backends right after construction, and each bind reports.
    }

    @Modified
    void configure(EngineOptions options) {
        selection = BackendSelection.of(options);
        backendsChanged();
    }

    @Deactivate
    void stop() {
        reprepare.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLoader(ModelLoader loader) {
        loaders.put(loader, Boolean.TRUE);
    }

    void removeLoader(ModelLoader loader) {
        loaders.remove(loader);
    }

    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(KernelBackend backend, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        backends.put(backend, ranking instanceof Integer r ? r : 0);
        backendsChanged();
    }

    void removeBackend(KernelBackend backend) {
        backends.remove(backend);
        backendsChanged();
    }

    private KernelRegistry registry() {
        return selection.registry(backends);
    }

    private void backendsChanged() {
        reprepare.execute(() -> {
            String assignments = KernelAssignments.describe(registry());
            if (!assignments.equals(loggedAssignments)) {
                log.info("Kernel backends: {}", assignments);
                loggedAssignments = assignments;
            }
            int models = engine.liveModels();
            Map<String, ModelLoadException> failures = engine.reprepareAll();
            failures.forEach((model, e) -> log.warn("Model '{}' keeps its previous preparation: {}", model,
                    e.getMessage()));
            if (models > 0) {
                log.info("Prepared {} model(s) again for the new backends", models - failures.size());
            }
        });
    }

    @Override
    public Model load(Path file) throws ModelLoadException {
        return engine.load(file);
    }

    @Override
    public Model load(io.quantedge.api.graph.Graph graph, String name) throws ModelLoadException {
        return engine.load(graph, name);
    }
}
