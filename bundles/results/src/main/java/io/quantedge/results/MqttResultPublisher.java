package io.quantedge.results;

import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.result.InferenceResult;
import io.quantedge.api.result.PublisherCounts;
import io.quantedge.api.result.ResultPublisher;
import io.quantedge.results.queue.DiskQueue;
import io.quantedge.results.queue.QueueException;
import java.nio.charset.StandardCharsets;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes results as JSON on {@code {root}/{gw}/results/{pipeline}} through the gateway's MQTT
 * connection, with store-and-forward: every result passes through a bounded on-disk queue, so what the
 * broker has not confirmed survives an outage, a restart and a power cut, and arrives in order.
 * It runs only where it is configured ({@code io.quantedge.results}, shipped in runtime-config), so a
 * CLI command never opens a running gateway's queue.
 */
@Component(service = ResultPublisher.class, immediate = true, configurationPid = PublisherSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ResultsOptions.class)
public final class MqttResultPublisher implements ResultPublisher {

    /** Longest pipeline name, in UTF-8 bytes: it is a topic level and is stored with every queued result. */
    static final int MAX_PIPELINE_BYTES = 256;

    private final Logger log;
    private final Forwarder forwarder;

    @Activate
    public MqttResultPublisher(@Reference GatewayConnection connection, @Reference LoggerFactory loggers,
                               ResultsOptions options, BundleContext context) throws QueueException {
        this(connection, loggers.getLogger(MqttResultPublisher.class),
                PublisherSettings.from(options, context.getProperty("quantedge.data.dir")));
    }

    MqttResultPublisher(GatewayConnection connection, Logger log, PublisherSettings settings) throws QueueException {
        this.log = log;
        DiskQueue queue;
        try {
            queue = DiskQueue.open(settings.directory(), settings.limits(), log::warn);
        } catch (QueueException e) {
            log.error("Results: the queue cannot open: {}", e.getMessage());
            throw e;
        }
        this.forwarder = new Forwarder(connection, queue, settings, log);
        log.info("Results: publishing on {} with QoS {}; queue in {} ({} results waiting, capacity {} MiB{}, {} when "
                        + "full)", connection.topic("results/{pipeline}"), settings.qos(), settings.directory(),
                queue.records(), settings.limits().maxBytes() >> 20,
                settings.limits().maxRecords() > 0 ? " or " + settings.limits().maxRecords() + " results" : "",
                settings.limits().whenFull());
        forwarder.start();
    }

    @Override
    public void publish(InferenceResult result) {
        requireTopicLevel(result.pipeline());
        forwarder.offer(result);
    }

    @Override
    public PublisherCounts counts() {
        return forwarder.counts();
    }

    @Deactivate
    public void stop() throws InterruptedException {
        forwarder.stop();
        PublisherCounts counts = forwarder.counts();
        log.info("Results: stopped; {} published, {} waiting in the queue, {} dropped", counts.published(),
                counts.queuedRecords(), counts.dropped());
    }

    private static void requireTopicLevel(String pipeline) {
        if (pipeline.isEmpty() || pipeline.contains("/") || pipeline.contains("+") || pipeline.contains("#")
                || pipeline.getBytes(StandardCharsets.UTF_8).length > MAX_PIPELINE_BYTES) {
            throw new IllegalArgumentException("pipeline name '" + pipeline + "' cannot be a topic level (empty, "
                    + "longer than " + MAX_PIPELINE_BYTES + " bytes, or has / + #): rename the pipeline");
        }
    }
}
