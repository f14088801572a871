package io.quantedge.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Felix with the distribution's bundles installed and started in order. For the gateway
 * everything starts; for a CLI command FileInstall stays out, so no configuration is applied and
 * nothing but the bundles' services comes up.
 */
final class EmbeddedFramework {

    /** Manifest header by which a bundle says the gateway can run without it. */
    static final String OPTIONAL_HEADER = "QuantEdge-Optional";
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    enum Mode { GATEWAY, COMMAND }

    /** Framework property telling bundles whether they run in the gateway or for a CLI command. */
    static final String MODE_PROPERTY = "quantedge.mode";

    private final Framework framework;
    private final List<StartFailure> failures;
    private final Path temporaryCache;

    private EmbeddedFramework(Framework framework, List<StartFailure> failures, Path temporaryCache) {
        this.framework = framework;
        this.failures = failures;
        this.temporaryCache = temporaryCache;
    }

    /** Starts the framework; reports start failures rather than throwing, so the caller decides. */
    static EmbeddedFramework start(Distribution distribution, Mode mode, boolean shell, String version, PrintStream err,
                                   java.util.function.Consumer<BundleContext> beforeStart)
            throws BundleException, IOException {
        Map<String, String> properties = FrameworkProperties.of(distribution, version);
        Path commandCache = null;
        if (mode == Mode.COMMAND) {
            // A command gets a throw-away cache, so it can run beside a running gateway and as any user.
            commandCache = Files.createTempDirectory("quantedge-command-");
            properties.put("org.osgi.framework.storage", commandCache.toString());
            // A command's output is its result; the gateway's INFO log would only get in the way.
            properties.put(MODE_PROPERTY, "command");
        } else {
            Files.createDirectories(distribution.dataDir());
            Files.createDirectories(distribution.loadDir());
        }
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                err.println("QuantEdge: error in " + event.getBundle().getSymbolicName() + ": "
                        + GatewayDaemon.describe(event.getThrowable()));
            }
        });
        beforeStart.accept(context);

        List<Bundle> system = installAll(context, Distribution.jarsIn(distribution.systemBundleDir()));
        system.sort(Comparator.comparingInt(EmbeddedFramework::systemStartRank));
        if (mode == Mode.COMMAND) {
            // Installed, so bundles importing its API resolve, but never started: no watching.
            system.removeIf(b -> FILEINSTALL.equals(b.getSymbolicName()));
        }
        List<Bundle> shellBundles = shell ? installAll(context, Distribution.jarsIn(distribution.shellBundleDir()))
                : List.of();
        List<Bundle> gateway = installAll(context, Distribution.jarsIn(distribution.gatewayBundleDir()));
        framework.start();

        List<StartFailure> failures = new ArrayList<>();
        startAll(system, failures);
        startAll(shellBundles, failures);
        startAll(gateway, failures);
        return new EmbeddedFramework(framework, failures, commandCache);
    }

    Framework framework() {
        return framework;
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    List<StartFailure> failures() {
        return failures;
    }

    boolean requiredBundleFailed() {
        return failures.stream().anyMatch(f -> !f.optional());
    }

    long activeBundles() {
        return java.util.Arrays.stream(context().getBundles()).filter(b -> b.getState() == Bundle.ACTIVE).count();
    }

    /** Stops the framework and waits; false when it did not stop in time. */
    boolean stop(long timeoutMillis) throws BundleException, InterruptedException {
        framework.stop();
        boolean stopped = framework.waitForStop(timeoutMillis).getType() != FrameworkEvent.WAIT_TIMEDOUT;
        if (stopped && temporaryCache != null) {
            deleteTree(temporaryCache);
        }
        return stopped;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless; the system cleans its temp folder
        }
    }

    private static List<Bundle> installAll(BundleContext context, List<Path> jars) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            installed.add(context.installBundle(jar.toUri().toString()));
        }
        return installed;
    }

    private static void startAll(List<Bundle> bundles, List<StartFailure> failures) {
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue; // fragments resolve with their host and never start
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                boolean optional = Boolean.parseBoolean(bundle.getHeaders().get(OPTIONAL_HEADER));
                failures.add(new StartFailure(bundle.getSymbolicName(), bundle.getLocation(), optional,
                        GatewayDaemon.describe(e)));
            }
        }
    }

    private static int systemStartRank(Bundle bundle) {
        int rank = Distribution.SYSTEM_START_ORDER.indexOf(bundle.getSymbolicName());
        return rank < 0 ? Distribution.SYSTEM_START_ORDER.size() : rank;
    }
}
