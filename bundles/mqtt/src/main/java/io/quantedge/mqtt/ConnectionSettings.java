package io.quantedge.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Paho's connection options from the gateway's configuration. */
final class ConnectionSettings {

    private ConnectionSettings() {
    }

    static MqttConnectionOptions of(MqttOptions options, String willTopic, byte[] willPayload)
            throws IOException, GeneralSecurityException {
        MqttConnectionOptions settings = new MqttConnectionOptions();
        settings.setServerURIs(options.serverUris());
        // A kept session lets the broker hold QoS 1 messages (update chunks, commands) while we are away.
        settings.setCleanStart(false);
        settings.setSessionExpiryInterval(options.sessionExpirySeconds());
        settings.setKeepAliveInterval(options.keepAliveSeconds());
        settings.setConnectionTimeout(options.connectTimeoutSeconds());
        settings.setAutomaticReconnect(true);
        settings.setAutomaticReconnectDelay(options.reconnectMinSeconds(), options.reconnectMaxSeconds());
        // Paho 1.2.5's reconnect loop ignores the maximum above: after each failed attempt it doubles its
        // wait (from 1 s) while it is below getMaxReconnectDelay(), 128 s unless set. Left so, a broker back
        // after a 30 s outage was found again only some 30 s later; this caps the wait at the configured one.
        settings.setMaxReconnectDelay((int) Math.min(Integer.MAX_VALUE, options.reconnectMaxSeconds() * 1000L));
        settings.setWill(willTopic, new MqttMessage(willPayload, 1, true, new MqttProperties()));
        if (!options.username().isBlank()) {
            settings.setUserName(options.username());
            settings.setPassword(options.password().getBytes(StandardCharsets.UTF_8));
        }
        boolean tls = false;
        for (String uri : options.serverUris()) {
            tls |= uri.startsWith("ssl://") || uri.startsWith("wss://");
        }
        if (tls) {
            settings.setSocketFactory(TlsContext.socketFactory(options.caCertificateFile().trim(),
                    options.clientCertificateFile().trim(), options.clientKeyFile().trim()));
            settings.setHttpsHostnameVerificationEnabled(true);
        }
        return settings;
    }
}
