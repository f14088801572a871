package io.quantedge.engine;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The engine as a service. Tracks every model loader and kernel backend as they come and go
 * (greedy: a better-ranked backend arriving is taken up by the next model load); at least one
 * backend must be present for the engine to be offered.
 */
@Component(service = InferenceEngine.class)
public final class EngineComponent implements InferenceEngine {

    private final Map<ModelLoader, Boolean> loaders = new ConcurrentHashMap<>();
    private final Map<KernelBackend, Integer> backends = new ConcurrentHashMap<>();
    private final Engine engine = new Engine(() -> List.copyOf(loaders.keySet()), this::registry);

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
    }

    void removeBackend(KernelBackend backend) {
        backends.remove(backend);
    }

    private KernelRegistry registry() {
        List<KernelRegistry.Ranked> ranked = new ArrayList<>();
        backends.forEach((backend, ranking) -> ranked.add(new KernelRegistry.Ranked(backend, ranking)));
        return new KernelRegistry(ranked);
    }

    @Override
    public Model load(Path file) throws ModelLoadException {
        return engine.load(file);
    }
}
