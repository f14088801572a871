package io.quantedge.backend.vector;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.OptionalInt;
import jdk.incubator.vector.FloatVector;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Offers the {@link VectorBackend} as a {@link KernelBackend} service with a ranking decided at
 * activation (see {@link RankingDecision}). Registered by hand rather than by DS because the
 * ranking is computed from the running JVM and a self-check, which a component property cannot be.
 * A changed configuration re-activates the component, which registers again with the new ranking.
 */
@Component(service = {}, configurationPid = VectorBackendRegistration.PID)
@Designate(ocd = VectorBackendOptions.class)
public final class VectorBackendRegistration {

    static final String PID = "io.quantedge.backend.vector";

    private final ServiceRegistration<KernelBackend> registration;

    @Activate
    public VectorBackendRegistration(BundleContext context, VectorBackendOptions options,
                                     @Reference(service = LoggerFactory.class) Logger log) {
        VectorBackend backend = new VectorBackend();
        RankingDecision decision = RankingDecision.decide(Runtime.version().feature(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), selfCheckPasses(backend, log),
                configuredRanking(options.ranking()));
        if (decision.ranking().isEmpty()) {
            log.error("Vector API backend {}", decision.reason());
            registration = null;
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, decision.ranking().getAsInt());
        registration = context.registerService(KernelBackend.class, backend, properties);
        log.info("Vector API backend {}", decision.reason());
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    private static boolean selfCheckPasses(VectorBackend backend, Logger log) {
        try {
            return KernelSelfCheck.int8ProductMatchesDefinition(backend.kernel(Int8GemmKernel.class).orElseThrow());
        } catch (RuntimeException | LinkageError e) {
            log.error("Vector API backend self-check failed", e);
            return false;
        }
    }

    static OptionalInt configuredRanking(String option) {
        String value = option == null ? "" : option.trim();
        if (value.isEmpty() || value.equalsIgnoreCase(VectorBackendOptions.AUTOMATIC)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ranking '" + option + "' is neither 'auto' nor an integer");
        }
    }
}
