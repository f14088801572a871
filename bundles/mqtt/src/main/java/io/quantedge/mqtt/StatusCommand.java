package io.quantedge.mqtt;

import io.quantedge.api.mqtt.GatewayCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code cmd/status}: the gateway's status, as its birth message has it, but current. */
@Component(property = GatewayCommand.NAME_PROPERTY + "=status")
public final class StatusCommand implements GatewayCommand {

    private final GatewayStatus status;

    @Activate
    public StatusCommand(@Reference GatewayStatus status) {
        this.status = status;
    }

    @Override
    public String execute(String requestJson) {
        return status.online().toString();
    }
}
