package io.quantedge.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Felix configuration for a run of a distribution. */
public final class FrameworkProperties {

    private FrameworkProperties() {
    }

    public static Map<String, String> of(Distribution distribution, String version) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("org.osgi.framework.storage", distribution.frameworkCache().toString());
        // The distribution's folders are the truth: never start from bundles cached by a previous run.
        p.put("org.osgi.framework.storage.clean", "onFirstInit");
        // Bundles see only what the framework exports, not the launcher's class path.
        p.put("org.osgi.framework.bundle.parent", "framework");
        p.put("felix.log.level", "1");

        // Folders, for configuration files to refer to as ${quantedge.*}.
        p.put("quantedge.home", distribution.home().toString());
        p.put("quantedge.config.dir", distribution.configDir().toString());
        p.put("quantedge.load.dir", distribution.loadDir().toString());
        p.put("quantedge.data.dir", distribution.dataDir().toString());
        p.put("quantedge.version", version);
        // The MQTT port the shipped configuration gives the embedded broker and the connection to it;
        // -Dquantedge.mqtt.port (in JAVA_OPTS) moves both, so two gateways or a test can share a machine.
        p.put("quantedge.mqtt.port", System.getProperty("quantedge.mqtt.port", "1883"));

        // FileInstall's main watcher feeds the configuration folder; the load/ watcher is itself
        // a configuration there (org.apache.felix.fileinstall~load.cfg.json), so operators can tune it.
        p.put("felix.fileinstall.dir", distribution.configDir().toString());
        p.put("felix.fileinstall.filter", ".*\\.cfg\\.json");
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.log.level", "2");

        // Entries below INFO are not even created until io.quantedge.log says otherwise.
        p.put("org.osgi.service.log.admin.loglevel", "INFO");
        return p;
    }
}
