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
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Runs the gateway: embeds the OSGi framework, installs every bundle of the distribution, starts
 * them in order, announces readiness with one line, and stops the framework on SIGTERM or SIGINT.
 */
final class GatewayDaemon {

    /** Manifest header by which a bundle says the gateway can run without it. */
    static final String OPTIONAL_HEADER = "QuantEdge-Optional";
    static final String READY_PREFIX = "QuantEdge ready: ";
    /** Leaves a margin under systemd's and the 10 s promise's stop timeout. */
    static final long STOP_TIMEOUT_MS = 9_000;

    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_STOP_TIMEOUT = 3;

    private final Distribution distribution;
    private final boolean shell;
    private final String version;
    private final PrintStream out;
    private final PrintStream err;

    GatewayDaemon(Distribution distribution, boolean shell, String version, PrintStream out, PrintStream err) {
        this.distribution = distribution;
        this.shell = shell;
        this.version = version;
        this.out = out;
        this.err = err;
    }

    /** Runs until the framework stops; returns the process exit code. */
    int run() throws BundleException, InterruptedException, IOException {
        long started = System.nanoTime();
        List<String> problems = distribution.problems();
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("QuantEdge cannot start: " + p));
            return EXIT_START_FAILED;
        }

        Files.createDirectories(distribution.loadDir());
        Files.createDirectories(distribution.dataDir());
        Map<String, String> properties = FrameworkProperties.of(distribution, version);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        BundleEventPrinter printer = new BundleEventPrinter(out);
        context.addBundleListener(printer);
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                err.println("QuantEdge: error in " + event.getBundle().getSymbolicName() + ": "
                        + describe(event.getThrowable()));
            }
        });

        List<Bundle> system = installAll(context, Distribution.jarsIn(distribution.systemBundleDir()));
        system.sort(Comparator.comparingInt(GatewayDaemon::systemStartRank));
        List<Bundle> shellBundles = shell ? installAll(context, Distribution.jarsIn(distribution.shellBundleDir()))
                : List.of();
        List<Bundle> gateway = installAll(context, Distribution.jarsIn(distribution.gatewayBundleDir()));
        framework.start();

        List<StartFailure> failures = new ArrayList<>();
        startAll(system, failures);
        startAll(shellBundles, failures);
        startAll(gateway, failures);

        failures.forEach(f -> err.println("QuantEdge: " + f));
        if (failures.stream().anyMatch(f -> !f.optional())) {
            err.println("QuantEdge: stopping, a required bundle did not start");
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MS);
            return EXIT_START_FAILED;
        }

        Thread stopper = new Thread(() -> stop(framework, printer), "quantedge-stop");
        StopSignals.install(stopper);

        long active = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getState() == Bundle.ACTIVE)
                .count();
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%s%d active bundles in %.1f s (config %s, load %s)%n", READY_PREFIX, active, seconds,
                distribution.configDir(), distribution.loadDir());
        out.flush();
        printer.announce(true);

        FrameworkEvent stopped = framework.waitForStop(0);
        if (stopped.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
            return EXIT_STOP_TIMEOUT;
        }
        out.println("QuantEdge stopped");
        out.flush();
        return EXIT_OK;
    }

    private void stop(Framework framework, BundleEventPrinter printer) {
        printer.announce(false);
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("QuantEdge: bundles did not stop within " + TimeUnit.MILLISECONDS.toSeconds(STOP_TIMEOUT_MS)
                        + " s; exiting anyway");
                err.flush();
                Runtime.getRuntime().halt(EXIT_STOP_TIMEOUT);
            }
        } catch (BundleException e) {
            err.println("QuantEdge: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Bundle> installAll(BundleContext context, List<Path> jars) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            installed.add(context.installBundle(jar.toUri().toString()));
        }
        return installed;
    }

    private static void startAll(List<Bundle> bundles, List<StartFailure> failures) {
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(org.osgi.framework.Constants.FRAGMENT_HOST) != null) {
                continue; // fragments resolve with their host and never start
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                boolean optional = Boolean.parseBoolean(bundle.getHeaders().get(OPTIONAL_HEADER));
                failures.add(new StartFailure(bundle.getSymbolicName(), bundle.getLocation(), optional, describe(e)));
            }
        }
    }

    private static int systemStartRank(Bundle bundle) {
        int rank = Distribution.SYSTEM_START_ORDER.indexOf(bundle.getSymbolicName());
        return rank < 0 ? Distribution.SYSTEM_START_ORDER.size() : rank;
    }

    /** The message of a failure and of its causes, which is where the real reason usually is. */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown error";
        }
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }
}
