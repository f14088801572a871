package io.quantedge.mqtt.update;

import com.google.gson.JsonObject;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.serving.ServedModelListener;
import io.quantedge.mqtt.GatewayStatus;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Keeps the retained {@code models/{model}} equal to what is served, whatever changed it: an update
 * job, a calibration, {@code cmd/rollback}, a health window's rollback, a restart. The connection
 * keeps the latest retained message per topic and sends it again after reconnecting, so a change
 * while the broker is away is published when it is back.
 */
@Component
public final class ServedModelPublisher implements ServedModelListener {

    private final GatewayConnection connection;

    @Activate
    public ServedModelPublisher(@Reference GatewayConnection connection) {
        this.connection = connection;
    }

    @Override
    public void served(ServedModel model) {
        JsonObject json = new JsonObject();
        json.addProperty("name", model.name());
        json.addProperty("version", model.version());
        json.addProperty("sha256", model.sha256());
        json.addProperty("sizeBytes", model.sizeBytes());
        json.addProperty("loadedAt", model.loadedAt().toString());
        model.previousVersion().ifPresent(previous -> json.addProperty("previousVersion", previous));
        json.add("backends", GatewayStatus.backendsByOp(model.report()));
        connection.publish(connection.topic("models/" + model.name()), json.toString().getBytes(StandardCharsets.UTF_8),
                1, true);
    }
}
