package io.quantedge.sensor.mjpeg;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorAdapter;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.sensor.frames.BadImageException;
import io.quantedge.sensor.frames.EncodedImage;
import io.quantedge.sensor.frames.FrameOutlet;
import io.quantedge.sensor.frames.SensorLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URLConnection;
import java.time.Instant;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * An IP camera's MJPEG stream as a sensor. One thread per started camera connects, reads the
 * parts and delivers each good JPEG as a frame; when the stream drops, stalls beyond the read
 * timeout or is refused, it waits (doubling from the first delay up to the longest) and connects
 * again, for as long as the camera is started. A part that is not a whole, readable JPEG, or is
 * larger than the limit, is counted as rejected and skipped; frames beyond the frame-rate limit are
 * counted as skipped.
 * <p>Immediate, so a refused configuration is logged as soon as it is read, and leaves no service
 * for a pipeline to find.
 */
@Component(service = SensorAdapter.class, immediate = true, configurationPid = MjpegCamera.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MjpegCameraOptions.class, factory = true)
public final class MjpegCamera implements SensorAdapter {

    static final String FACTORY_PID = "io.quantedge.sensor.mjpeg";

    private final MjpegSettings settings;
    private final Logger log;
    private final FrameOutlet outlet;
    private final SensorLoop loop;
    private volatile HttpURLConnection connection;

    @Activate
    public MjpegCamera(MjpegCameraOptions options, @Reference(service = LoggerFactory.class) Logger log)
            throws SensorConfigurationException {
        this(MjpegSettings.of(options), log);
    }

    MjpegCamera(MjpegSettings settings, Logger log) {
        this.settings = settings;
        this.log = log;
        this.outlet = new FrameOutlet(settings.sensorId());
        this.loop = new SensorLoop(outlet, "quantedge-sensor-mjpeg-" + settings.sensorId(), this::run,
                this::disconnect, settings.readTimeout().plusSeconds(1));
    }

    @Override
    public String id() {
        return settings.sensorId();
    }

    @Override
    public void start(FrameListener listener) {
        if (loop.start(listener)) {
            log.info("MJPEG camera {} started", settings);
        }
    }

    @Override
    @Deactivate
    public void stop() {
        if (loop.stop()) {
            log.info("MJPEG camera {} stopped: {}", settings.sensorId(), outlet.statistics());
        }
    }

    /** Closes the connection under a read that may be blocked on it. */
    private void disconnect() {
        HttpURLConnection open = connection;
        if (open != null) {
            open.disconnect();
        }
    }

    @Override
    public SensorStatistics statistics() {
        return outlet.statistics();
    }

    private void run() {
        FrameRateLimit rate = new FrameRateLimit(settings.maxFps());
        long delayMillis = settings.reconnectMin().toMillis();
        while (loop.running()) {
            String problem;
            long before = outlet.statistics().delivered();
            try {
                readStream(rate);
                problem = "the camera ended the stream";
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (outlet.statistics().delivered() > before) {
                delayMillis = settings.reconnectMin().toMillis(); // the camera worked: start the backoff again
            }
            if (!loop.running()) {
                break;
            }
            outlet.reconnecting(problem);
            log.warn("MJPEG camera {}: {}; reconnecting in {} ms", settings.sensorId(), problem, delayMillis);
            if (!loop.pause(delayMillis)) {
                break;
            }
            delayMillis = Math.min(delayMillis * 2, settings.reconnectMax().toMillis());
        }
    }

    /** One connection: returns when the camera closes the stream, throws when it fails or refuses. */
    private void readStream(FrameRateLimit rate) throws IOException {
        URLConnection opened = settings.url().toURL().openConnection();
        if (!(opened instanceof HttpURLConnection http)) {
            throw new IOException(settings.url() + " did not open as an HTTP connection");
        }
        connection = http;
        try {
            http.setConnectTimeout((int) settings.connectTimeout().toMillis());
            http.setReadTimeout((int) settings.readTimeout().toMillis());
            http.setUseCaches(false);
            // Not followed: the Authorization header would go along to wherever the redirect points.
            http.setInstanceFollowRedirects(false);
            http.setRequestProperty("Accept", "multipart/x-mixed-replace, */*");
            settings.authorization().ifPresent(value -> http.setRequestProperty("Authorization", value));
            int status = http.getResponseCode();
            if (status == HttpURLConnection.HTTP_UNAUTHORIZED || status == HttpURLConnection.HTTP_FORBIDDEN) {
                throw new IOException("the camera refused " + (settings.authorization().isPresent()
                        ? "the configured user and password" : "access without a user and password")
                        + " (HTTP " + status + "); check username and password");
            }
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("the camera answered HTTP " + status + " " + http.getResponseMessage());
            }
            String boundary = MultipartStream.boundaryOf(http.getContentType()).orElseThrow(() -> new IOException(
                    "the camera sent Content-Type '" + http.getContentType()
                            + "', not multipart/x-mixed-replace with a boundary: is the url the MJPEG stream?"));
            try (InputStream in = http.getInputStream()) {
                MultipartStream parts = new MultipartStream(in, boundary, settings.maxFrameBytes());
                MultipartStream.Part part;
                while (loop.running() && (part = parts.next()) != null) {
                    accept(part, rate);
                }
            }
        } finally {
            connection = null;
            http.disconnect();
        }
    }

    private void accept(MultipartStream.Part part, FrameRateLimit rate) {
        if (part.tooLarge()) {
            reject("a part of " + part.size() + " bytes, above the limit of " + settings.maxFrameBytes());
            return;
        }
        EncodedImage image;
        try {
            image = EncodedImage.inspect(part.data(), part.data().length);
        } catch (BadImageException e) {
            reject("a part that is not a whole JPEG: " + e.getMessage());
            return;
        }
        if (!image.mediaType().equals(Frame.JPEG)) {
            reject("a part that is " + image.mediaType() + ", not a JPEG");
            return;
        }
        if (!rate.admit(System.nanoTime())) {
            outlet.skipped();
            return;
        }
        outlet.deliver(Instant.now(), Frame.JPEG, part.data(), Map.of(Frame.WIDTH, String.valueOf(image.width()),
                Frame.HEIGHT, String.valueOf(image.height())));
    }

    private void reject(String problem) {
        outlet.rejected(problem);
        log.warn("MJPEG camera {}: skipped {}", settings.sensorId(), problem);
    }
}
