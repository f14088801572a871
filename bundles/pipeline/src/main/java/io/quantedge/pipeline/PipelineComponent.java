package io.quantedge.pipeline;

import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.VerifiedPackage;
import io.quantedge.api.mqtt.GatewayConnection;
import io.quantedge.api.pipeline.PipelineInputs;
import io.quantedge.api.result.InferenceResult;
import io.quantedge.api.result.ResultPublisher;
import io.quantedge.api.sensor.SensorAdapter;
import io.quantedge.api.sensor.SensorStatistics;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * One configured pipeline ({@code io.quantedge.pipeline} factory configuration). It follows its
 * sensor by id: started with the sensor's service, stopped when it goes. It runs its model through
 * the {@link ModelServer}, so a new version is used from the first frame after the swap; the
 * version's package manifest (from the store) supplies the pre- and postprocessing the
 * configuration leaves open. Results go to the {@link ResultPublisher} when there is one.
 */
@Component(service = RunningPipeline.class, configurationPid = PipelineComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PipelineOptions.class, factory = true)
public final class PipelineComponent implements RunningPipeline {

    static final String PID = "io.quantedge.pipeline";

    private final Logger log;
    private final PipelineWorker worker;
    private final ServiceTracker<SensorAdapter, SensorAdapter> sensors;
    private final String host;
    private final ServiceRegistration<PipelineInputs> inputs;

    // Constructor parameters, not dynamic fields: SCR sets fields only after the constructor has
    // returned, and by then the sensor may have delivered frames, bound the model without its
    // manifest, or produced results with no publisher to take them. Greedy: a store, publisher or
    // connection that appears later restarts the pipeline with it.
    private final ModelStore store;
    private final ResultPublisher publisher;
    private final GatewayConnection connection;

    @Activate
    public PipelineComponent(@Reference ModelServer server, @Reference LoggerFactory loggers,
                             @Reference(cardinality = ReferenceCardinality.OPTIONAL,
                                     policyOption = ReferencePolicyOption.GREEDY) ModelStore store,
                             @Reference(cardinality = ReferenceCardinality.OPTIONAL,
                                     policyOption = ReferencePolicyOption.GREEDY) ResultPublisher publisher,
                             @Reference(cardinality = ReferenceCardinality.OPTIONAL,
                                     policyOption = ReferencePolicyOption.GREEDY) GatewayConnection connection,
                             PipelineOptions options, BundleContext context) {
        this.log = loggers.getLogger(PipelineComponent.class);
        this.store = store;
        this.publisher = publisher;
        this.connection = connection;
        PipelineSettings settings;
        try {
            settings = PipelineSettings.parse(options);
        } catch (IllegalArgumentException e) {
            log.error("Pipeline configuration refused (CONFIG_INVALID): {}", e.getMessage());
            throw e;
        }
        Filter sensorFilter = sensorFilter(settings.sensor());
        this.host = hostName();
        this.worker = new PipelineWorker(settings, server, this::describe, this::publish, this::gatewayId,
                new PipelineWorker.Events() {
                    @Override
                    public void info(String line) {
                        log.info(line);
                    }

                    @Override
                    public void warn(String line) {
                        log.warn(line);
                    }
                });
        worker.start();
        // Registered by hand, not as a DS service of this component: it carries the pipeline's name.
        this.inputs = context.registerService(PipelineInputs.class, worker.inputs(),
                new Hashtable<>(Map.of(PipelineInputs.NAME_PROPERTY, settings.name())));
        log.info("Pipeline {} waits for sensor '{}' and model '{}'{}", settings.name(), settings.sensor(),
                settings.model(), publisher == null ? " (no result publisher: results are counted, not sent)" : "");
        this.sensors = new ServiceTracker<>(context, sensorFilter, null) {
            @Override
            public SensorAdapter addingService(ServiceReference<SensorAdapter> reference) {
                SensorAdapter sensor = super.addingService(reference);
                if (sensor != null) {
                    log.info("Pipeline {}: sensor {} started", settings.name(), settings.sensor());
                    sensor.start(worker);
                }
                return sensor;
            }

            @Override
            public void removedService(ServiceReference<SensorAdapter> reference, SensorAdapter sensor) {
                sensor.stop();
                log.info("Pipeline {}: sensor {} is gone", settings.name(), settings.sensor());
                super.removedService(reference, sensor);
            }
        };
        sensors.open();
    }

    private static Filter sensorFilter(String sensorId) {
        String escaped = sensorId.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
        try {
            return FrameworkUtil.createFilter("(&(objectClass=" + SensorAdapter.class.getName() + ")("
                    + SensorAdapter.ID_PROPERTY + "=" + escaped + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("sensor id '" + sensorId + "' makes no filter: " + e.getMessage(), e);
        }
    }

    @Override
    public PipelineSnapshot snapshot() {
        SensorAdapter sensor = sensors.getService();
        return worker.snapshot().withSensor(sensor == null ? SensorStatistics.NONE : sensor.statistics());
    }

    private void publish(InferenceResult result) {
        if (publisher != null) {
            publisher.publish(result);
        }
    }

    private String gatewayId() {
        return connection != null ? connection.gatewayId() : host;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private Optional<PipelineWorker.Described> describe(String model, String version) {
        if (store == null) {
            return Optional.empty();
        }
        try {
            VerifiedPackage contents = store.contents(model, version);
            List<String> labels = List.of();
            for (OutputSpec output : contents.manifest().outputs()) {
                if (output.labels().isPresent()) {
                    labels = Files.readAllLines(contents.file(output.labels().get()), StandardCharsets.UTF_8);
                    break;
                }
            }
            return Optional.of(new PipelineWorker.Described(contents.manifest(), labels));
        } catch (PackageException | ModelStoreException | IOException | RuntimeException e) {
            log.warn("The package of {} {} cannot be read ({}); the pipeline uses its own settings only", model,
                    version, e.getMessage());
            return Optional.empty();
        }
    }

    @Deactivate
    void stop() {
        try {
            inputs.unregister();
        } catch (IllegalStateException e) {
            // the bundle is stopping and took it already
        }
        sensors.close();
        worker.stop();
    }
}
