package io.quantedge.tests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.ModelPackages;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.store.ModelStore;
import io.quantedge.api.store.ModelStoreEvent;
import io.quantedge.api.store.ModelStoreListener;
import io.quantedge.api.store.StoredModel;
import io.quantedge.launcher.Distribution;
import io.quantedge.launcher.FrameworkProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The distribution's bundles in a real Felix, set up with the launcher's own framework
 * properties: every bundle active, every component satisfied, the shipped configuration applied.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayBundlesIT {

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private ServiceComponentRuntime componentRuntime;

    @Inject
    private ModelStore modelStore;

    @Inject
    private ModelPackages modelPackages;

    @Inject
    private InferenceEngine inferenceEngine;

    @Configuration
    public Option[] configuration() {
        Path home = Path.of(System.getProperty("quantedge.dist")).toAbsolutePath().normalize();
        Distribution distribution = Distribution.at(home, Path.of("target", "paxexam-data").toAbsolutePath());
        // The shipped configuration starts the embedded broker; a free port keeps it clear of any broker on 1883.
        System.setProperty("quantedge.mqtt.port", String.valueOf(freePort()));
        List<Option> options = new ArrayList<>();
        FrameworkProperties.of(distribution, "test").forEach((key, value) -> {
            if (!key.startsWith("org.osgi.framework.storage")) { // Pax Exam owns the framework cache
                options.add(frameworkProperty(key).value(value));
            }
        });
        List<Path> system = new ArrayList<>(Distribution.jarsIn(distribution.systemBundleDir()));
        system.sort(Comparator.comparingInt(GatewayBundlesIT::startRank));
        system.forEach(jar -> options.add(bundle(jar.toUri().toString())));
        Distribution.jarsIn(distribution.gatewayBundleDir()).forEach(jar -> options.add(bundle(jar.toUri().toString())));
        options.add(junitBundles());
        return options.toArray(new Option[0]);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int startRank(Path jar) {
        String name = jar.getFileName().toString();
        for (int i = 0; i < Distribution.SYSTEM_START_ORDER.size(); i++) {
            if (name.startsWith(Distribution.SYSTEM_START_ORDER.get(i) + "-")) {
                return i;
            }
        }
        return Distribution.SYSTEM_START_ORDER.size();
    }

    @Test
    public void everyDistributionBundleIsActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " in state " + b.getState())
                .collect(Collectors.toList());
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
        Set<String> names = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).collect(Collectors.toSet());
        for (String expected : List.of("io.quantedge.api", "io.quantedge.config", "io.quantedge.logconsole",
                "io.quantedge.broker", "io.quantedge.mqtt", "io.quantedge.results",
                "io.quantedge.modelpackage", "io.quantedge.modelstore", "io.quantedge.serving", "com.google.gson",
                "io.quantedge.pipeline", "io.quantedge.sensor.synthetic", "io.quantedge.quantize",
                "io.quantedge.sensor.frames", "io.quantedge.sensor.mjpeg", "io.quantedge.sensor.folder",
                "io.quantedge.sensor.mqtt", "io.quantedge.calibration",
                "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall")) {
            assertTrue(expected + " is missing from " + names, names.contains(expected));
        }
    }

    @Test
    public void everyComponentIsSatisfied() throws Exception {
        Collection<ComponentDescriptionDTO> descriptions = componentRuntime.getComponentDescriptionDTOs();
        Set<String> ours = descriptions.stream()
                .map(d -> d.name)
                .filter(n -> n.startsWith("io.quantedge."))
                .collect(Collectors.toSet());
        assertTrue("our components: " + ours, ours.containsAll(Set.of(
                "io.quantedge.config.JsonConfigurationInstaller", "io.quantedge.logconsole.ConsoleLogWriter",
                "io.quantedge.broker.EmbeddedBroker", "io.quantedge.mqtt.MqttGatewayConnection",
                "io.quantedge.mqtt.CommandDispatcher", "io.quantedge.mqtt.StatusCommand",
                "io.quantedge.modelpackage.ModelPackagesComponent", "io.quantedge.modelstore.ModelStoreComponent",
                "io.quantedge.modelpackage.cli.KeygenCommand", "io.quantedge.modelpackage.cli.PackageCommand",
                "io.quantedge.modelpackage.cli.VerifyCommand", "io.quantedge.serving.GatewayModelServer",
                "io.quantedge.serving.ModelSeedComponent", "io.quantedge.pipeline.PipelineComponent",
                "io.quantedge.pipeline.MetricsPublisher", "io.quantedge.sensor.synthetic.SyntheticSensor",
                "io.quantedge.results.MqttResultPublisher", "io.quantedge.quantize.FileQuantizer",
                "io.quantedge.quantize.cli.QuantizeCommand", "io.quantedge.quantize.cli.EvalCommand",
                "io.quantedge.calibration.CalibrateCommand", "io.quantedge.mqtt.update.ServedModelPublisher")));
        for (ComponentDescriptionDTO description : descriptions) {
            assertTrue(description.name + " is disabled", componentRuntime.isComponentEnabled(description));
            if (waitsForConfiguration(description)) {
                continue; // a sensor adapter, say: installed, idle until an operator configures one
            }
            Collection<ComponentConfigurationDTO> configurations =
                    awaitConfigurations(description, 10_000);
            for (ComponentConfigurationDTO c : configurations) {
                assertTrue(description.name + " is in state " + c.state + ", unsatisfied references: "
                                + Arrays.toString(c.unsatisfiedReferences),
                        c.state == ComponentConfigurationDTO.ACTIVE || c.state == ComponentConfigurationDTO.SATISFIED);
            }
        }
    }

    @Test
    public void theShippedConfigurationReachesConfigAdminAndTheComponentsThatUseIt() throws Exception {
        org.osgi.service.cm.Configuration log = awaitConfiguration("(service.pid=io.quantedge.log)");
        assertEquals("INFO", log.getProperties().get("level"));
        assertTrue(String.valueOf(log.getProperties().get("quantedge.config.file")).endsWith("io.quantedge.log.cfg.json"));
        assertTrue(log.getAttributes().isEmpty() || !log.getAttributes().contains(ConfigurationAttribute.READ_ONLY));

        // The load/ watcher is a factory configuration whose folder came from a ${variable}.
        org.osgi.service.cm.Configuration load =
                awaitConfiguration("(service.factoryPid=org.apache.felix.fileinstall)");
        String loadDir = (String) load.getProperties().get("felix.fileinstall.dir");
        assertEquals(context.getProperty("quantedge.load.dir"), loadDir);
        assertTrue(loadDir, loadDir.endsWith("load"));

        ComponentDescriptionDTO writer = componentRuntime.getComponentDescriptionDTOs().stream()
                .filter(d -> d.name.equals("io.quantedge.logconsole.ConsoleLogWriter"))
                .findFirst().orElseThrow();
        // SCR reconfigures the writer a moment after ConfigAdmin has the configuration: wait for that.
        long deadline = System.currentTimeMillis() + 10_000;
        ComponentConfigurationDTO active = awaitConfigurations(writer, 10_000).iterator().next();
        while (active.properties.get("quantedge.config.file") == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            active = awaitConfigurations(writer, 10_000).iterator().next();
        }
        assertEquals("INFO", active.properties.get("level"));
        assertNotNull(active.properties.get("quantedge.config.file"));
    }

    @Test
    public void theModelStoreRunsOnItsShippedConfigurationUnderTheDataFolder() throws Exception {
        org.osgi.service.cm.Configuration store = awaitConfiguration("(service.pid=io.quantedge.modelstore)");
        Path expected = Path.of(context.getProperty("quantedge.data.dir"), "models");
        assertEquals(expected.toString(), store.getProperties().get("directory"));
        assertTrue(Files.exists(expected.resolve(".lock")));
        assertEquals(List.of(), Files.list(expected.resolve(".staging")).collect(Collectors.toList()));
    }

    /**
     * A package signed with a key the configuration trusts goes through the services as the MQTT
     * update flow will drive them: written, staged, validated, activated; a listener hears each
     * step, and the engine loads the stored model.
     */
    @Test
    public void aSignedPackageIsStagedAndActivatedAndListenersHearEachStep() throws Exception {
        Path work = Files.createTempDirectory("quantedge-it-");
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path trusted = Files.createDirectories(work.resolve("trusted-keys"));
        Files.writeString(trusted.resolve("it.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        org.osgi.service.cm.Configuration verification =
                configurationAdmin.getConfiguration("io.quantedge.modelpackage", "?");
        verification.update(new Hashtable<>(Map.of("trustedKeys", trusted.toString())));
        List<ModelStoreEvent> heard = new CopyOnWriteArrayList<>();
        ServiceRegistration<ModelStoreListener> listener =
                context.registerService(ModelStoreListener.class, heard::add, null);
        try {
            // A model name of its own per run: the data folder outlives a run.
            String name = "it-" + System.currentTimeMillis();
            Path model = Path.of(System.getProperty("quantedge.models")).resolve("cnn_qdq_per_channel.onnx");
            Path file = work.resolve(name + ".qmp");
            modelPackages.write(new PackageContents(name, "1", "model.onnx", Map.of("model.onnx", model),
                    List.of(new InputSpec("input", Optional.empty())),
                    List.of(new OutputSpec("logits", Optional.empty(), Optional.empty())), Optional.empty(),
                    List.of("onnx")), Optional.of(keys.getPrivate()), file);

            StoredModel staged = stageOnceTrusted(file);
            modelStore.markValidated(name, "1");
            StoredModel active = modelStore.activate(name, "1");
            assertEquals(Optional.of(active), modelStore.active(name));
            assertTrue(staged.path().startsWith(Path.of(context.getProperty("quantedge.data.dir"), "models", name)));

            long deadline = System.currentTimeMillis() + 10_000;
            // Only this model's events: the shipped demo seeds a model of its own into the same store.
            List<ModelStoreEvent.Type> ours = List.of();
            while (ours.size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                ours = heard.stream().filter(e -> e.model().name().equals(name)).map(ModelStoreEvent::type)
                        .collect(Collectors.toList());
            }
            assertEquals(List.of(ModelStoreEvent.Type.STAGED, ModelStoreEvent.Type.VALIDATED,
                    ModelStoreEvent.Type.ACTIVATED), ours);
            try (Model loaded = inferenceEngine.load(active.path())) {
                assertEquals("input", loaded.inputs().get(0).name());
            }
        } finally {
            listener.unregister();
            verification.delete();
        }
    }

    /** Configuration reaches a component asynchronously: until the new trusted key is in use, the package is untrusted. */
    private StoredModel stageOnceTrusted(Path file) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return modelStore.stage(file);
            } catch (PackageException e) {
                if (e.code() != PackageException.Code.UNTRUSTED_SIGNATURE || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private org.osgi.service.cm.Configuration awaitConfiguration(String filter) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            org.osgi.service.cm.Configuration[] found = configurationAdmin.listConfigurations(filter);
            if (found != null && found.length == 1) {
                return found[0];
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no single configuration matches " + filter);
    }

    /** A component that runs only when configured, and has no configuration in the shipped runtime-config. */
    private boolean waitsForConfiguration(ComponentDescriptionDTO description) throws Exception {
        if (!"require".equals(description.configurationPolicy)) {
            return false;
        }
        for (String pid : description.configurationPid) {
            if (configurationAdmin.listConfigurations("(|(service.pid=" + pid + ")(service.factoryPid=" + pid
                    + "))") != null) {
                return false;
            }
        }
        return true;
    }

    @Test
    public void eachSensorAdapterRunsOnAFactoryConfigurationAndTheFolderOneDeliversARealImage() throws Exception {
        Path drop = Files.createTempDirectory("quantedge-it-drop");
        Map<String, Map<String, Object>> sensors = Map.of(
                "io.quantedge.sensor.folder", Map.of("quantedge.sensor.id", "it-folder", "directory", drop.toString(),
                        "settleMillis", 200,
                        "stateFile", drop.resolveSibling(drop.getFileName() + ".state").toString()),
                "io.quantedge.sensor.mjpeg", Map.of("quantedge.sensor.id", "it-mjpeg",
                        "url", "http://127.0.0.1:9/video.mjpg"),
                "io.quantedge.sensor.mqtt", Map.of("quantedge.sensor.id", "it-mqtt", "topic", "it/camera"));
        List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();
        try {
            for (Map.Entry<String, Map<String, Object>> sensor : sensors.entrySet()) {
                org.osgi.service.cm.Configuration configuration =
                        configurationAdmin.getFactoryConfiguration(sensor.getKey(), "it", "?");
                configuration.update(new Hashtable<>(sensor.getValue()));
                configurations.add(configuration);
            }
            for (Map<String, Object> sensor : sensors.values()) {
                assertNotNull("no sensor " + sensor, awaitSensor((String) sensor.get("quantedge.sensor.id")));
            }
            org.osgi.framework.ServiceReference<io.quantedge.api.sensor.SensorAdapter> folder =
                    awaitSensor("it-folder");
            io.quantedge.api.sensor.SensorAdapter adapter = context.getService(folder);
            List<io.quantedge.api.sensor.Frame> frames = new CopyOnWriteArrayList<>();
            adapter.start(frames::add);
            try {
                java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 24,
                        java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
                java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
                javax.imageio.ImageIO.write(image, "jpeg", jpeg);
                Files.write(drop.resolve("snapshot.jpg"), jpeg.toByteArray());
                Files.writeString(drop.resolve("readme.txt"), "not an image");
                long deadline = System.currentTimeMillis() + 10_000;
                while ((frames.isEmpty() || adapter.statistics().rejected() == 0)
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
            } finally {
                adapter.stop();
                context.ungetService(folder);
            }
            assertEquals(1, frames.size());
            assertEquals("image/jpeg", frames.get(0).mediaType());
            assertEquals("32", frames.get(0).attributes().get("width"));
            assertEquals(1, adapter.statistics().rejected());
        } finally {
            for (org.osgi.service.cm.Configuration configuration : configurations) {
                configuration.delete();
            }
        }
    }

    /**
     * A refused sensor configuration: SCR keeps the service registered (it registers before it
     * activates) but the component fails to activate with the sensor's error code, and the service
     * cannot be obtained. Pipelines must treat a sensor they cannot get as absent.
     */
    @Test
    public void aSensorWithABadConfigurationFailsToActivateWithItsCode() throws Exception {
        org.osgi.service.cm.Configuration configuration =
                configurationAdmin.getFactoryConfiguration("io.quantedge.sensor.folder", "it-bad", "?");
        configuration.update(new Hashtable<>(Map.of("quantedge.sensor.id", "it-bad", "directory", "/tmp/it-bad",
                "afterProcessing", "archive")));
        try {
            org.osgi.framework.ServiceReference<io.quantedge.api.sensor.SensorAdapter> sensor = awaitSensor("it-bad");
            assertNotNull(sensor);
            assertEquals(null, context.getService(sensor));
            ComponentDescriptionDTO description = componentRuntime.getComponentDescriptionDTO(
                    sensor.getBundle(), "io.quantedge.sensor.folder.SnapshotFolder");
            ComponentConfigurationDTO failed = awaitConfigurations(description, 10_000).stream()
                    .filter(c -> "it-bad".equals(c.properties.get("quantedge.sensor.id"))).findFirst().orElseThrow();
            assertEquals(ComponentConfigurationDTO.FAILED_ACTIVATION, failed.state);
            assertTrue(failed.failure, failed.failure.contains("BAD_SENSOR_CONFIG: afterProcessing 'archive'"));
        } finally {
            configuration.delete();
        }
    }

    private org.osgi.framework.ServiceReference<io.quantedge.api.sensor.SensorAdapter> awaitSensor(String id)
            throws Exception {
        return awaitSensor(id, 10_000);
    }

    private org.osgi.framework.ServiceReference<io.quantedge.api.sensor.SensorAdapter> awaitSensor(String id,
                                                                                                 long millis)
            throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Collection<org.osgi.framework.ServiceReference<io.quantedge.api.sensor.SensorAdapter>> found = context
                    .getServiceReferences(io.quantedge.api.sensor.SensorAdapter.class, "("
                            + io.quantedge.api.sensor.SensorAdapter.ID_PROPERTY + "=" + id + ")");
            if (!found.isEmpty()) {
                return found.iterator().next();
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** Configurations of a component, once it has any (SCR activates components asynchronously). */
    private Collection<ComponentConfigurationDTO> awaitConfigurations(ComponentDescriptionDTO description, long millis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        Collection<ComponentConfigurationDTO> configurations = componentRuntime.getComponentConfigurationDTOs(description);
        while (configurations.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            configurations = componentRuntime.getComponentConfigurationDTOs(description);
        }
        assertTrue("no configuration of " + description.name, !configurations.isEmpty());
        return configurations;
    }
}
