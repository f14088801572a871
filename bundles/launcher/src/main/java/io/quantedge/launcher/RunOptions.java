package io.quantedge.launcher;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Options of {@code quantedge run}. Directories left out default to the distribution's own. */
record RunOptions(Optional<Path> configDir, Optional<Path> loadDir, Optional<Path> dataDir, boolean shell,
                  boolean help) {

    static final String USAGE = """
            Usage: quantedge run [OPTIONS]

            Runs the gateway: starts the OSGi framework with the distribution's bundles, applies
            the configuration, and watches the load folder for operator bundles. Stops cleanly on
            SIGTERM or Ctrl-C.

            Options:
              --config DIR   configuration folder of *.cfg.json files   (default: HOME/runtime-config)
              --load DIR     folder watched for extra bundles            (default: HOME/load)
              --data DIR     writable state: model store, caches         (default: HOME/data)
              --shell        also start the Gogo shell on this terminal
              --help         show this help
            """;

    static RunOptions parse(List<String> args) throws UsageException {
        Path config = null;
        Path load = null;
        Path data = null;
        boolean shell = false;
        boolean help = false;
        Deque<String> rest = new ArrayDeque<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.pop();
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            String inline = name.equals(arg) ? null : arg.substring(equals + 1);
            switch (name) {
                case "--config" -> config = directory(name, inline, rest);
                case "--load" -> load = directory(name, inline, rest);
                case "--data" -> data = directory(name, inline, rest);
                case "--shell" -> shell = true;
                case "--help", "-h" -> help = true;
                default -> throw new UsageException("unknown option '" + arg + "' for run");
            }
        }
        return new RunOptions(Optional.ofNullable(config), Optional.ofNullable(load), Optional.ofNullable(data),
                shell, help);
    }

    /** The value given inline ({@code --load=DIR}) or as the next argument ({@code --load DIR}). */
    private static Path directory(String name, String inline, Deque<String> rest) throws UsageException {
        String value = inline != null ? inline : rest.poll();
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " needs a directory");
        }
        return Path.of(value);
    }
}
