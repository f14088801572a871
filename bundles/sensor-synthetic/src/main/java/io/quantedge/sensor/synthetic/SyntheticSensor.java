package io.quantedge.sensor.synthetic;

import io.quantedge.api.sensor.FrameListener;
import io.quantedge.api.sensor.SensorAdapter;
import io.quantedge.api.sensor.SensorStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A synthetic sensor ({@code io.quantedge.sensor.synthetic} factory configuration): emits its
 * frames at the configured rate on a thread of its own, to the listener it was started with. The
 * frames depend only on the configuration and their sequence number.
 */
@Component(service = SensorAdapter.class, configurationPid = "io.quantedge.sensor.synthetic",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SyntheticOptions.class, factory = true)
public final class SyntheticSensor implements SensorAdapter {

    static final String SHIPPED_IMAGES = "/fashion/fashion_test_images_u8.npy";
    static final String SHIPPED_LABELS = "/fashion/fashion_test_labels.npy";

    private final String id;
    private final FrameSource source;
    private final long periodNanos;
    private final long limit;
    private final Logger log;
    private final ScheduledExecutorService clock;
    private ScheduledFuture<?> ticking;
    private volatile FrameListener listener;
    /** Frames emitted; written by the clock thread only, read by statistics(). */
    private volatile long sequence;

    @Activate
    public SyntheticSensor(@Reference LoggerFactory loggers, SyntheticOptions options) throws IOException {
        this.log = loggers.getLogger(SyntheticSensor.class);
        this.id = options.quantedge_sensor_id();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a synthetic sensor needs quantedge.sensor.id");
        }
        if (!(options.framesPerSecond() > 0) || Double.isInfinite(options.framesPerSecond())) {
            throw new IllegalArgumentException("framesPerSecond must be a positive number");
        }
        this.source = source(options);
        this.periodNanos = Math.max(1, Math.round(1e9 / options.framesPerSecond()));
        this.limit = options.frameLimit();
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "quantedge-sensor-" + id);
            thread.setDaemon(true);
            return thread;
        });
        log.info("Synthetic sensor {}: {} at {} frames/s", id, options.mode(), options.framesPerSecond());
    }

    static FrameSource source(SyntheticOptions options) throws IOException {
        String mode = options.mode() == null ? "images" : options.mode().trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "images" -> {
                boolean shipped = options.imagesFile() == null || options.imagesFile().isBlank();
                byte[] images = shipped ? FrameSource.resource(SHIPPED_IMAGES)
                        : FrameSource.read(Path.of(options.imagesFile()));
                byte[] labels = options.labelsFile() != null && !options.labelsFile().isBlank()
                        ? FrameSource.read(Path.of(options.labelsFile()))
                        : shipped ? FrameSource.resource(SHIPPED_LABELS) : null;
                String[] names = options.classNames() == null ? new String[0] : options.classNames();
                return FrameSource.images(images, labels, Arrays.asList(names), options.firstImage(),
                        shipped ? "the shipped Fashion-MNIST test images" : options.imagesFile());
            }
            case "waveform" -> {
                if (options.windowSize() < 1) {
                    throw new IllegalArgumentException("windowSize must be at least 1");
                }
                return FrameSource.waveform(options.windowSize(), options.periodsPerWindow(), options.noise(),
                        options.anomalyEvery(), options.seed());
            }
            default -> throw new IllegalArgumentException("mode must be images or waveform, not '" + mode + "'");
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void start(FrameListener newListener) {
        listener = newListener;
        if (ticking == null) {
            ticking = clock.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        FrameListener current = listener;
        if (current == null || (limit > 0 && sequence >= limit)) {
            return;
        }
        try {
            current.onFrame(source.frame(id, sequence++, Instant.now()));
        } catch (RuntimeException e) {
            // A listener's failure must not cancel the schedule (scheduleAtFixedRate stops on a throw).
            log.warn("Synthetic sensor {}: the listener failed on frame {}: {}", id, sequence - 1, e.toString());
        }
    }

    @Override
    public SensorStatistics statistics() {
        return new SensorStatistics(sequence, 0, 0, 0, "");
    }

    @Override
    public void stop() {
        ScheduledFuture<?> running;
        synchronized (this) {
            running = ticking;
            ticking = null;
            listener = null;
        }
        if (running != null) {
            running.cancel(false);
            // Wait for a tick under way, so no frame is delivered after stop returns.
            try {
                clock.submit(() -> { }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("Synthetic sensor {}: stopping took too long: {}", id, e.toString());
            }
        }
    }

    @Deactivate
    void close() {
        stop();
        clock.shutdownNow();
    }
}
