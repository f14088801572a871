package io.quantedge.pipeline;

import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes {@code {root}/{gateway}/metrics} every few seconds through the gateway's MQTT
 * connection: each pipeline's rate, latency, drops and queue; each served model's memory; the
 * JVM heap and the process's RSS. A message that cannot go out (broker down) is skipped: the
 * next one carries the totals anyway.
 */
@Component(immediate = true, configurationPid = "io.quantedge.metrics",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsOptions.class)
public final class MetricsPublisher {

    private static final Path STATUS = Path.of("/proc/self/status");

    private final GatewayConnection connection;
    private final Logger log;
    private final int qos;
    private final MetricsMessage message = new MetricsMessage();
    private final List<RunningPipeline> pipelines = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "quantedge-metrics");
        thread.setDaemon(true);
        return thread;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelServer server;

    @Activate
    public MetricsPublisher(@Reference GatewayConnection connection, @Reference LoggerFactory loggers,
                            MetricsOptions options) {
        this.connection = connection;
        this.log = loggers.getLogger(MetricsPublisher.class);
        if (options.intervalSeconds() < 1) {
            throw new IllegalArgumentException("intervalSeconds must be at least 1");
        }
        if (options.qos() < 0 || options.qos() > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2");
        }
        this.qos = options.qos();
        clock.scheduleAtFixedRate(this::publish, options.intervalSeconds(), options.intervalSeconds(),
                TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPipeline(RunningPipeline pipeline) {
        pipelines.add(pipeline);
    }

    void removePipeline(RunningPipeline pipeline) {
        pipelines.remove(pipeline);
    }

    private void publish() {
        try {
            List<ServedModel> models = new ArrayList<>();
            ModelServer current = server;
            if (current != null) {
                for (String name : current.models()) {
                    current.served(name).ifPresent(models::add);
                }
            }
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            byte[] payload = message.build(connection.gatewayId(), Instant.now(), System.nanoTime(),
                    pipelines.stream().map(RunningPipeline::snapshot).toList(), models, heap.getUsed(), heap.getMax(),
                    ProcessMemory.residentBytes(STATUS)).toString().getBytes(StandardCharsets.UTF_8);
            connection.publish(connection.topic("metrics"), payload, qos, false);
        } catch (RuntimeException e) {
            // One failed round must not end the schedule.
            log.warn("Metrics not published: {}", e.toString());
        }
    }


    @Deactivate
    void stop() {
        clock.shutdownNow();
    }
}
