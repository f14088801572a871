package io.quantedge.modelstore;

import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreException;
import io.quantedge.api.store.ModelStoreListener;
import io.quantedge.api.store.StoredModel;
import io.quantedge.api.store.StoredVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The model store as a service. It runs only where it is configured ({@code io.quantedge.modelstore},
 * shipped in runtime-config): so a CLI command, which starts the bundles without configuration,
 * never touches a running gateway's store. It is immediate, so it recovers from a crash when the
 * gateway starts, not when it is first used. Events reach the {@link ModelStoreListener} services
 * in order on one thread of their own, so a slow listener never holds up the store.
 */
@Component(service = ModelStore.class, immediate = true, configurationPid = ModelStoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ModelStoreOptions.class)
public final class ModelStoreComponent implements ModelStore {

    static final String PID = "io.quantedge.modelstore";

    private final Logger log;
    private final List<ModelStoreListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "quantedge-modelstore-events");
        thread.setDaemon(true);
        return thread;
    });
    private final FileModelStore store;

    @Activate
    public ModelStoreComponent(@Reference(service = LoggerFactory.class) Logger log, @Reference ModelPackages packages,
                               ModelStoreOptions options, BundleContext context) throws ModelStoreException {
        this.log = log;
        StoreSettings settings = new StoreSettings(directory(options.directory(),
                context.getProperty("quantedge.data.dir")), options.keptVersions(), options.minFreeMb() << 20);
        try {
            this.store = FileModelStore.open(settings, packages, this::publish);
        } catch (ModelStoreException e) {
            delivery.shutdown();
            log.error("The model store cannot open: {}", e.getMessage());
            throw e;
        }
        store.recoveryActions().forEach(log::info);
        store.recoveryProblems().forEach(log::warn);
        log.info("Model store in {}: {}", store.directory(), describeActive());
    }

    /** The configured folder, else the data folder's models, else ./data/models. */
    static Path directory(String configured, String dataDir) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return (dataDir == null || dataDir.isBlank() ? Path.of("data") : Path.of(dataDir)).resolve("models");
    }

    private String describeActive() {
        Set<String> names = store.modelNames();
        if (names.isEmpty()) {
            return "no models yet";
        }
        return String.join(", ", names.stream().map(n -> n + " " + store.active(n).map(StoredModel::version)
                .orElse("(none active)")).toList());
    }

    @Deactivate
    void stop() throws InterruptedException {
        store.close();
        delivery.shutdown();
        delivery.awaitTermination(2, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(ModelStoreListener listener) {
        listeners.add(listener);
    }

    void removeListener(ModelStoreListener listener) {
        listeners.remove(listener);
    }

    private void publish(ModelStoreEvent event) {
        log.info("Model {} version {}: {}{}", event.model().name(), event.model().version(), event.type(),
                event.detail().isEmpty() ? "" : " (" + event.detail() + ")");
        delivery.execute(() -> {
            for (ModelStoreListener listener : listeners) {
                try {
                    listener.modelStoreChanged(event);
                } catch (RuntimeException e) {
                    log.warn("A model store listener failed on {}: {}", event.type(), e.toString());
                }
            }
        });
    }

    @Override
    public Set<String> modelNames() {
        return store.modelNames();
    }

    @Override
    public Optional<StoredModel> active(String name) {
        return store.active(name);
    }

    @Override
    public List<StoredModel> versions(String name) {
        return store.versions(name);
    }

    @Override
    public List<StoredVersion> storedVersions(String name) {
        return store.storedVersions(name);
    }

    @Override
    public Optional<StoredModel> rollbackTarget(String name) {
        return store.rollbackTarget(name);
    }

    @Override
    public StoredModel stage(Path packageFile) throws PackageException, ModelStoreException {
        return store.stage(packageFile);
    }

    @Override
    public StoredModel stageDerived(Path packageFile, String baseVersion) throws PackageException,
            ModelStoreException {
        return store.stageDerived(packageFile, baseVersion);
    }

    @Override
    public VerifiedPackage contents(String name, String version) throws PackageException, ModelStoreException {
        return store.contents(name, version);
    }

    @Override
    public void markValidated(String name, String version) throws ModelStoreException {
        store.markValidated(name, version);
    }

    @Override
    public StoredModel activate(String name, String version) throws ModelStoreException {
        return store.activate(name, version);
    }

    @Override
    public StoredModel rollback(String name, String reason) throws ModelStoreException {
        return store.rollback(name, reason);
    }

    @Override
    public void recordFailure(String name, String version, String reason) throws ModelStoreException {
        store.recordFailure(name, version, reason);
    }

    @Override
    public List<StoredModel> prune(String name) throws ModelStoreException {
        return store.prune(name);
    }
}
