package io.quantedge.config;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Hashtable;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Plugs {@code *.cfg.json} handling into FileInstall, which watches the configuration folder and
 * tells us when a file appears, changes or goes. A file that cannot be parsed is reported and
 * ignored, so the configuration it would have replaced stays in force.
 */
@Component(service = ArtifactInstaller.class)
public final class JsonConfigurationInstaller implements ArtifactInstaller {

    /** Marks configurations that came from a file, so deleting the file deletes them. */
    static final String SOURCE_PROPERTY = "quantedge.config.file";

    private final ConfigurationAdmin configurationAdmin;
    private final BundleContext context;
    private final Logger log;

    @Activate
    public JsonConfigurationInstaller(@Reference ConfigurationAdmin configurationAdmin,
                                      @Reference(service = LoggerFactory.class) Logger log,
                                      BundleContext context) {
        this.configurationAdmin = configurationAdmin;
        this.log = log;
        this.context = context;
    }

    @Override
    public boolean canHandle(File artifact) {
        return JsonConfiguration.handles(artifact.getName());
    }

    @Override
    public void install(File artifact) throws IOException {
        apply(artifact);
    }

    @Override
    public void update(File artifact) throws IOException {
        apply(artifact);
    }

    @Override
    public void uninstall(File artifact) throws IOException {
        Configuration[] configurations;
        try {
            configurations = configurationAdmin.listConfigurations(
                    "(" + SOURCE_PROPERTY + "=" + escapeFilterValue(source(artifact)) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("filter for " + artifact, e);
        }
        if (configurations == null) {
            return;
        }
        for (Configuration configuration : configurations) {
            log.info("Removing configuration {} ({} was deleted)", configuration.getPid(), artifact.getName());
            configuration.delete();
        }
    }

    private void apply(File artifact) throws IOException {
        String text = Files.readString(artifact.toPath(), StandardCharsets.UTF_8);
        JsonConfiguration parsed;
        try {
            parsed = JsonConfiguration.parse(artifact.getName(), text, context::getProperty);
        } catch (InvalidConfigurationException e) {
            log.error("Ignoring {}: {}; the previous configuration stays in force", artifact, e.getMessage());
            return;
        }
        Configuration configuration = parsed.isFactory()
                ? configurationAdmin.getFactoryConfiguration(parsed.pid(), parsed.factoryName().orElseThrow(), "?")
                : configurationAdmin.getConfiguration(parsed.pid(), "?");
        Hashtable<String, Object> properties = new Hashtable<>(parsed.properties());
        properties.put(SOURCE_PROPERTY, source(artifact));
        if (configuration.updateIfDifferent(properties)) {
            log.info("Applied configuration {} from {}", configuration.getPid(), artifact.getName());
        }
    }

    private static String source(File artifact) {
        return artifact.getAbsoluteFile().toURI().toString();
    }

    private static String escapeFilterValue(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
