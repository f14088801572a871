package io.quantedge.serving;

import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One seed ({@code io.quantedge.serving.seed} factory configuration): on start, off the
 * framework's thread, installs the configured package unless the store has its model already.
 */
@Component(immediate = true, service = {}, configurationPid = "io.quantedge.serving.seed",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ModelSeedOptions.class, factory = true)
public final class ModelSeedComponent {

    private final Thread worker;

    @Activate
    public ModelSeedComponent(@Reference ModelStore store, @Reference ModelServer server,
                              @Reference LoggerFactory loggers, ModelSeedOptions options) {
        Logger log = loggers.getLogger(ModelSeedComponent.class);
        if (options.model() == null || options.model().isBlank() || options.packageFile() == null
                || options.packageFile().isBlank()) {
            throw new IllegalArgumentException("a model seed needs 'model' and 'packageFile'");
        }
        worker = new Thread(() -> {
            ModelSeed.Outcome outcome = ModelSeed.install(store, server, options.model(),
                    Path.of(options.packageFile()));
            switch (outcome.kind()) {
                case INSTALLED -> log.info("Model seed: {}", outcome.message());
                case NOT_NEEDED -> log.debug("Model seed: {}", outcome.message());
                case FAILED -> log.error("Model seed: {}", outcome.message());
            }
        }, "quantedge-model-seed");
        worker.setDaemon(true);
        worker.start();
    }

    @Deactivate
    void stop() throws InterruptedException {
        worker.join(60_000);
    }
}
