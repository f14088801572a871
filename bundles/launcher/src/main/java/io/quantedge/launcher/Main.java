package io.quantedge.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The {@code quantedge} command line. */
public final class Main {

    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Usage: quantedge COMMAND [OPTIONS]

            QuantEdge runs quantized models next to cameras and sensors and publishes the results
            over MQTT.

            Commands:
              run       run the gateway (see: quantedge run --help)
            %s
            Options:
              --help    show this help
              --version show the version

            The home folder is taken from the quantedge.home system property, which bin/quantedge sets.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(List.of(args), System.out, System.err);
        } catch (Exception e) {
            System.err.println("QuantEdge failed: " + GatewayDaemon.describe(e));
            code = 1;
        }
        System.exit(code);
    }

    static int execute(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            err.print(usage(err));
            return EXIT_USAGE;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (command) {
                case "--help", "-h", "help" -> {
                    out.print(usage(err));
                    yield 0;
                }
                case "--version" -> {
                    out.println("QuantEdge " + version());
                    yield 0;
                }
                case "run" -> run(rest, out, err);
                default -> {
                    if (command.startsWith("-")) {
                        throw new UsageException("unknown option '" + command + "'");
                    }
                    yield new BundleCommands(installed(), version(), err).run(command, rest, out);
                }
            };
        } catch (UsageException e) {
            err.println("quantedge: " + e.getMessage());
            err.println("Try 'quantedge --help'.");
            return EXIT_USAGE;
        }
    }

    private static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        RunOptions options = RunOptions.parse(args);
        if (options.help()) {
            out.print(RunOptions.USAGE);
            return 0;
        }
        Distribution distribution = Distribution.of(home(), options);
        return new GatewayDaemon(distribution, options.shell(), version(), out, err).run();
    }

    /** The usage text, with the commands the installed bundles provide when there is an installation. */
    static String usage(PrintStream err) {
        StringBuilder commands = new StringBuilder();
        try {
            Distribution distribution = installed();
            if (distribution.problems().isEmpty()) {
                new BundleCommands(distribution, version(), err).list().forEach((name, summary) ->
                        commands.append(String.format("  %-9s %s (see: quantedge %s --help)%n", name, summary, name)));
            }
        } catch (Exception e) {
            commands.append("  (bundle commands unavailable: ").append(GatewayDaemon.describe(e)).append(")\n");
        }
        return String.format(USAGE, commands);
    }

    private static Distribution installed() throws URISyntaxException {
        return Distribution.of(home(), new RunOptions(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), false, false));
    }

    /** The distribution's home: as bin/quantedge says, else the folder above the launcher jar's lib/. */
    static Path home() throws URISyntaxException {
        String configured = System.getProperty("quantedge.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent();
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
