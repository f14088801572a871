package io.quantedge.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Runs the gateway: embeds the OSGi framework, starts every bundle of the distribution in order,
 * announces readiness with one line, and stops the framework on SIGTERM or SIGINT.
 */
final class GatewayDaemon {

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
        BundleEventPrinter printer = new BundleEventPrinter(out);
        EmbeddedFramework embedded = EmbeddedFramework.start(distribution, EmbeddedFramework.Mode.GATEWAY, shell,
                version, err, context -> context.addBundleListener(printer));
        embedded.failures().forEach(f -> err.println("QuantEdge: " + f));
        if (embedded.requiredBundleFailed()) {
            err.println("QuantEdge: stopping, a required bundle did not start");
            embedded.stop(STOP_TIMEOUT_MS);
            return EXIT_START_FAILED;
        }

        Framework framework = embedded.framework();
        Thread stopper = new Thread(() -> stop(embedded, printer), "quantedge-stop");
        StopSignals.install(stopper);

        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%s%d active bundles in %.1f s (config %s, load %s)%n", READY_PREFIX, embedded.activeBundles(),
                seconds, distribution.configDir(), distribution.loadDir());
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

    private void stop(EmbeddedFramework embedded, BundleEventPrinter printer) {
        printer.announce(false);
        try {
            if (!embedded.stop(STOP_TIMEOUT_MS)) {
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
