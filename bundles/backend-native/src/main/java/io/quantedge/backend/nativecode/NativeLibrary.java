package io.quantedge.backend.nativecode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libquantedge_kernels once per class loader. Inside OSGi the framework extracts the library
 * named by the bundle's Bundle-NativeCode header and {@link System#loadLibrary} finds it; on a plain
 * class path (tests, tools) the library for this OS and architecture is copied from the class path
 * resource {@code native/linux-<arch>/} to a temporary file and loaded from there.
 */
final class NativeLibrary {

    static final String NAME = "quantedge_kernels";

    private static Throwable failure;
    private static boolean loaded;

    private NativeLibrary() {
    }

    /** Loads the library if it is not yet loaded; throws {@link UnsatisfiedLinkError} when it cannot be. */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        if (failure != null) {
            throw linkError(failure);
        }
        try {
            loadFromLibraryPath();
            loaded = true;
        } catch (UnsatisfiedLinkError | IOException e) {
            failure = e;
            throw linkError(e);
        }
    }

    /** The class path location of the library for this machine, e.g. native/linux-x86-64/libquantedge_kernels.so. */
    static String resourcePath() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String directory = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "linux-x86-64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> "linux-" + arch;
        };
        return "native/" + directory + "/" + System.mapLibraryName(NAME);
    }

    private static void loadFromLibraryPath() throws IOException {
        try {
            System.loadLibrary(NAME);
        } catch (UnsatisfiedLinkError notOnLibraryPath) {
            if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
                throw notOnLibraryPath;
            }
            loadFromClassPath();
        }
    }

    private static void loadFromClassPath() throws IOException {
        String resource = resourcePath();
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("no " + resource + " on the class path: this machine's OS or "
                        + "architecture has no QuantEdge native kernels");
            }
            Path file = Files.createTempFile("libquantedge_kernels", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // Linux keeps a loaded library mapped after its file is deleted: nothing is left behind.
                Files.deleteIfExists(file);
            }
        }
    }

    private static UnsatisfiedLinkError linkError(Throwable cause) {
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("QuantEdge native kernels unavailable: "
                + cause.getMessage());
        error.initCause(cause);
        return error;
    }
}
