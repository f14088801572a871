package io.quantedge.launcher;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Runs the subcommands bundles provide ({@code io.quantedge.api.cli.CliCommand} services): starts
 * the framework without configuration, waits briefly for the command's service, calls it, stops.
 * The launcher sits outside the framework, so it calls the command through reflection on the
 * interface as the command's bundle sees it.
 */
final class BundleCommands {

    static final String SERVICE = "io.quantedge.api.cli.CliCommand";
    static final String NAME_PROPERTY = "quantedge.command";
    static final String SUMMARY_PROPERTY = "quantedge.command.summary";
    /** Components register asynchronously after their bundle starts; an unknown command costs this wait. */
    private static final long APPEAR_WITHIN_MS = 2_000;

    private final Distribution distribution;
    private final String version;
    private final PrintStream err;

    BundleCommands(Distribution distribution, String version, PrintStream err) {
        this.distribution = distribution;
        this.version = version;
        this.err = err;
    }

    /** Runs command {@code name}; an unknown name is a usage error listing the known ones. */
    int run(String name, List<String> args, PrintStream out) throws Exception {
        EmbeddedFramework embedded = start();
        try {
            if (embedded.requiredBundleFailed()) {
                embedded.failures().forEach(f -> err.println("quantedge: " + f));
                return GatewayDaemon.EXIT_START_FAILED;
            }
            ServiceReference<?> command = await(embedded.context(), name);
            if (command == null) {
                err.println("quantedge: unknown command '" + name + "'");
                err.println("Commands: run, " + String.join(", ", list(embedded.context()).keySet()));
                err.println("Try 'quantedge --help'.");
                return Main.EXIT_USAGE;
            }
            Object service = embedded.context().getService(command);
            Class<?> type = command.getBundle().loadClass(SERVICE);
            Method execute = type.getMethod("execute", List.class, PrintStream.class, PrintStream.class);
            try {
                return (Integer) execute.invoke(service, args, out, err);
            } catch (InvocationTargetException e) {
                err.println("quantedge " + name + ": " + GatewayDaemon.describe(e.getCause()));
                return 1;
            }
        } finally {
            embedded.stop(GatewayDaemon.STOP_TIMEOUT_MS);
        }
    }

    /** The commands the distribution's bundles provide, with their summaries, sorted by name. */
    Map<String, String> list() throws Exception {
        EmbeddedFramework embedded = start();
        try {
            Thread.sleep(300); // let asynchronous component activation settle
            return list(embedded.context());
        } finally {
            embedded.stop(GatewayDaemon.STOP_TIMEOUT_MS);
        }
    }

    private EmbeddedFramework start() throws Exception {
        return EmbeddedFramework.start(distribution, EmbeddedFramework.Mode.COMMAND, false, version, err, c -> { });
    }

    private static Map<String, String> list(BundleContext context) throws InvalidSyntaxException {
        Map<String, String> commands = new TreeMap<>();
        ServiceReference<?>[] refs = context.getAllServiceReferences(SERVICE, null);
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                commands.put(String.valueOf(ref.getProperty(NAME_PROPERTY)),
                        String.valueOf(ref.getProperty(SUMMARY_PROPERTY)));
            }
        }
        return commands;
    }

    private static ServiceReference<?> await(BundleContext context, String name) throws Exception {
        String filter = "(" + NAME_PROPERTY + "=" + name.replaceAll("[()*\\\\]", "") + ")";
        long deadline = System.currentTimeMillis() + APPEAR_WITHIN_MS;
        while (true) {
            ServiceReference<?>[] refs = context.getAllServiceReferences(SERVICE, filter);
            if (refs != null && refs.length > 0) {
                return refs[0];
            }
            if (System.currentTimeMillis() > deadline) {
                return null;
            }
            Thread.sleep(50);
        }
    }
}
