package io.quantedge.tests.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes minimal bundle jars: a manifest and nothing else, which is all a bundle needs to start. */
final class TestBundles {

    private TestBundles() {
    }

    static Path write(Path jar, String symbolicName, Map<String, String> extraHeaders) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        extraHeaders.forEach(main::putValue);
        // Written beside the target and moved in, so a watcher never sees half a jar.
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream file = Files.newOutputStream(partial); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.finish();
        }
        return Files.move(partial, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
