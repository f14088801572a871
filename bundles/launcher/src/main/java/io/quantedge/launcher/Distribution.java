package io.quantedge.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The installed distribution on disk and the folders a run uses:
 * <pre>
 * HOME/lib/              launcher and framework (the class path)
 * HOME/bundles/system/   framework services: Log, ConfigAdmin, Metatype, SCR, FileInstall
 * HOME/bundles/shell/    the Gogo shell, started only with --shell
 * HOME/bundles/          QuantEdge's bundles and the libraries they use
 * HOME/runtime-config/   *.cfg.json configurations (--config)
 * HOME/load/             extra bundles dropped by operators (--load)
 * HOME/data/             writable state (--data)
 * </pre>
 */
public record Distribution(Path home, Path configDir, Path loadDir, Path dataDir) {

    /**
     * Framework services start in this order, so each finds the ones it uses: logging first,
     * configuration before the components that read it, FileInstall last so it feeds a running
     * ConfigAdmin. Bundles of the folder not named here start after these, by file name.
     */
    public static final List<String> SYSTEM_START_ORDER = List.of(
            "org.apache.felix.log",
            "org.apache.felix.configadmin",
            "org.apache.felix.metatype",
            "org.osgi.util.function",
            "org.osgi.util.promise",
            "org.osgi.service.component",
            "org.apache.felix.scr",
            "org.apache.felix.fileinstall");

    /** The distribution installed at {@code home}, with its own folders but {@code dataDir} for state. */
    public static Distribution at(Path home, Path dataDir) {
        return of(home, new RunOptions(Optional.empty(), Optional.empty(), Optional.of(dataDir), false, false));
    }

    static Distribution of(Path home, RunOptions options) {
        Path absoluteHome = home.toAbsolutePath().normalize();
        return new Distribution(absoluteHome,
                options.configDir().orElse(absoluteHome.resolve("runtime-config")).toAbsolutePath().normalize(),
                options.loadDir().orElse(absoluteHome.resolve("load")).toAbsolutePath().normalize(),
                options.dataDir().orElse(absoluteHome.resolve("data")).toAbsolutePath().normalize());
    }

    public Path systemBundleDir() {
        return home.resolve("bundles").resolve("system");
    }

    public Path shellBundleDir() {
        return home.resolve("bundles").resolve("shell");
    }

    public Path gatewayBundleDir() {
        return home.resolve("bundles");
    }

    /** Where the framework keeps its bundle cache: rebuilt from the distribution on every start. */
    public Path frameworkCache() {
        return dataDir.resolve("cache");
    }

    /** The bundle jars directly in {@code dir}, sorted by file name; none when the folder is absent. */
    public static List<Path> jarsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bundles in " + dir, e);
        }
    }

    /** Checks what a run needs before the framework is touched, so mistakes surface as one clear message. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (jarsIn(systemBundleDir()).isEmpty()) {
            problems.add("no framework bundles in " + systemBundleDir() + " (is QUANTEDGE home " + home + " right?)");
        }
        if (!Files.isDirectory(configDir)) {
            problems.add("configuration folder " + configDir + " does not exist");
        }
        return problems;
    }
}
