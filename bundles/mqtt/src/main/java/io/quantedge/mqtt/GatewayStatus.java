package io.quantedge.mqtt;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.StoredModel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * What the gateway says about itself on its status topic and in answer to {@code cmd/status}:
 * online, its version and start time, the active models and the kernel backends present.
 */
@Component(service = GatewayStatus.class)
public final class GatewayStatus {

    private final String version;
    private final Instant startedAt = Instant.now();
    private final List<KernelBackend> backends = new CopyOnWriteArrayList<>();
    private volatile ModelStore store;
    private volatile ModelServer server;

    @Activate
    public GatewayStatus(BundleContext context) {
        this.version = Optional.ofNullable(context.getProperty("quantedge.version")).orElse("unknown");
    }

    public GatewayStatus(String version) {
        this.version = version;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(KernelBackend backend) {
        backends.add(backend);
    }

    void removeBackend(KernelBackend backend) {
        backends.remove(backend);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setStore(ModelStore store) {
        this.store = store;
    }

    void unsetStore(ModelStore store) {
        if (this.store == store) {
            this.store = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setServer(ModelServer server) {
        this.server = server;
    }

    void unsetServer(ModelServer server) {
        if (this.server == server) {
            this.server = null;
        }
    }

    /** The birth message's body, and the reply to {@code cmd/status}. */
    JsonObject online() {
        JsonObject status = new JsonObject();
        status.addProperty("state", "online");
        status.addProperty("version", version);
        status.addProperty("startedAt", startedAt.toString());
        JsonArray models = new JsonArray();
        ModelStore current = store;
        if (current != null) {
            for (String name : current.modelNames().stream().sorted().toList()) {
                current.active(name).ifPresent(model -> models.add(describe(model, Optional.ofNullable(server)
                        .flatMap(s -> s.served(name)))));
            }
        }
        status.add("models", models);
        JsonArray names = new JsonArray();
        backends.stream().map(KernelBackend::name).sorted().forEach(names::add);
        status.add("backends", names);
        return status;
    }

    /** The last will, and what a clean shutdown publishes itself. */
    static JsonObject offline() {
        JsonObject status = new JsonObject();
        status.addProperty("state", "offline");
        return status;
    }

    private static JsonObject describe(StoredModel model, Optional<ServedModel> served) {
        JsonObject json = new JsonObject();
        json.addProperty("name", model.name());
        json.addProperty("version", model.version());
        json.addProperty("sha256", model.sha256());
        served.ifPresent(running -> json.add("backends", backendsByOp(running.report())));
        return json;
    }

    /** Which kernel backend runs each kind of operation of a served model, e.g. {"QLinearConv":"native-amx"}. */
    public static JsonObject backendsByOp(ModelReport report) {
        java.util.Map<String, java.util.SortedSet<String>> byOp = new java.util.TreeMap<>();
        for (ModelReport.NodeReport node : report.nodes()) {
            byOp.computeIfAbsent(node.opType(), op -> new java.util.TreeSet<>()).add(node.backend());
        }
        JsonObject json = new JsonObject();
        byOp.forEach((op, backends) -> json.addProperty(op, String.join(",", backends)));
        return json;
    }
}
