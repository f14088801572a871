package io.quantedge.mqtt.update;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.api.mqtt.GatewayCommand;
import io.quantedge.api.serving.DeploymentException;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.StoredVersion;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code cmd/list-models} and {@code cmd/rollback}: the store's versions, and going back one on request. */
public final class ModelCommands {

    private ModelCommands() {
    }

    /** {@code cmd/list-models}: every model, the version served, and every kept version with its state. */
    @Component(property = GatewayCommand.NAME_PROPERTY + "=list-models")
    public static final class ListModels implements GatewayCommand {
        private final ModelStore store;
        private final ModelServer server;

        @Activate
        public ListModels(@Reference ModelStore store, @Reference ModelServer server) {
            this.store = store;
            this.server = server;
        }

        @Override
        public String execute(String requestJson) {
            JsonArray models = new JsonArray();
            for (String name : new TreeSet<>(store.modelNames())) {
                JsonObject model = new JsonObject();
                model.addProperty("name", name);
                server.served(name).ifPresent(served -> model.addProperty("served", served.version()));
                store.rollbackTarget(name).ifPresent(target -> model.addProperty("rollbackTarget", target.version()));
                JsonArray versions = new JsonArray();
                for (StoredVersion version : store.storedVersions(name)) {
                    JsonObject entry = new JsonObject();
                    entry.addProperty("version", version.model().version());
                    entry.addProperty("state", version.state().name());
                    entry.addProperty("sha256", version.model().sha256());
                    entry.addProperty("sizeBytes", version.model().sizeBytes());
                    entry.addProperty("storedAt", version.model().storedAt().toString());
                    versions.add(entry);
                }
                model.add("versions", versions);
                models.add(model);
            }
            JsonObject reply = new JsonObject();
            reply.add("models", models);
            return reply.toString();
        }
    }

    /** {@code cmd/rollback {"model":M,"reason":R}}: the previous good version of M, active again. */
    @Component(property = GatewayCommand.NAME_PROPERTY + "=rollback")
    public static final class Rollback implements GatewayCommand {
        private final ModelServer server;

        @Activate
        public Rollback(@Reference ModelServer server) {
            this.server = server;
        }

        @Override
        public String execute(String requestJson) throws CommandException {
            JsonObject request = JsonParser.parseString(requestJson).getAsJsonObject();
            JsonElement model = request.get("model");
            if (model == null || !model.isJsonPrimitive()) {
                throw new CommandException("BAD_REQUEST", "rollback needs {\"model\": NAME}");
            }
            String reason = request.has("reason") ? request.get("reason").getAsString() : "rollback requested";
            try {
                ServedModel served = server.rollback(model.getAsString(), reason);
                JsonObject reply = new JsonObject();
                reply.addProperty("model", served.name());
                reply.addProperty("version", served.version());
                reply.addProperty("state", "ROLLED_BACK");
                return reply.toString();
            } catch (DeploymentException e) {
                throw new CommandException(e.code().name(), e.getMessage());
            }
        }
    }
}
