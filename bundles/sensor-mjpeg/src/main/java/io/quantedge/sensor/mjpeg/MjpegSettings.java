package io.quantedge.sensor.mjpeg;

import static io.quantedge.sensor.frames.OptionChecks.require;

import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.sensor.frames.OptionChecks;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** A camera's configuration, checked: every value in range, the address one this adapter can open. */
record MjpegSettings(String sensorId, URI url, Optional<String> authorization, double maxFps, Duration connectTimeout,
                     Duration readTimeout, Duration reconnectMin, Duration reconnectMax, int maxFrameBytes) {

    static MjpegSettings of(MjpegCameraOptions options) throws SensorConfigurationException {
        String id = OptionChecks.sensorId(options.quantedge_sensor_id());
        String address = options.url() == null ? "" : options.url().trim();
        URI url;
        try {
            url = new URI(address);
        } catch (URISyntaxException e) {
            throw new SensorConfigurationException("url '" + address + "' of camera " + id + " is not an address: "
                    + e.getReason());
        }
        require(("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                && url.getHost() != null, "url '" + address + "' of camera " + id
                + " must be an http:// or https:// address with a host, e.g. http://192.168.1.20/mjpg/video.mjpg");
        require(url.getUserInfo() == null, "url of camera " + id
                + " carries a user; give it as username and password instead");
        String user = options.username() == null ? "" : options.username();
        require(!user.contains(":"), "username of camera " + id + " must not contain ':' (basic authentication)");
        Optional<String> authorization = user.isEmpty() ? Optional.empty() : Optional.of("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + options.password()).getBytes(StandardCharsets.UTF_8)));
        require(options.maxFps() >= 0 && Double.isFinite(options.maxFps()), "maxFps " + options.maxFps()
                + " of camera " + id + " must be 0 (no limit) or a positive number");
        require(options.connectTimeoutMillis() > 0, "connectTimeoutMillis of camera " + id + " must be positive");
        require(options.readTimeoutMillis() > 0, "readTimeoutMillis of camera " + id + " must be positive");
        require(options.reconnectMinMillis() > 0 && options.reconnectMaxMillis() >= options.reconnectMinMillis(),
                "reconnectMinMillis " + options.reconnectMinMillis() + " and reconnectMaxMillis "
                        + options.reconnectMaxMillis() + " of camera " + id
                        + " must be positive, the maximum no less than the minimum");
        require(options.maxFrameKib() > 0 && options.maxFrameKib() <= 256 * 1024, "maxFrameKib "
                + options.maxFrameKib() + " of camera " + id + " must be between 1 and 262144 (256 MiB)");
        return new MjpegSettings(id, url, authorization, options.maxFps(),
                Duration.ofMillis(options.connectTimeoutMillis()), Duration.ofMillis(options.readTimeoutMillis()),
                Duration.ofMillis(options.reconnectMinMillis()), Duration.ofMillis(options.reconnectMaxMillis()),
                options.maxFrameKib() * 1024);
    }

    /** The address as it may be logged: never with credentials. */
    @Override
    public String toString() {
        return sensorId + " at " + url + (authorization.isPresent() ? " (basic authentication)" : "");
    }
}
