package io.quantedge.modelstore;

import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.modelpackage.KeyFiles;
import io.quantedge.modelpackage.PackageFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Real signed packages of the project's test model for the store: each version carries a
 * version.txt naming it, so a test can tell versions apart by their files.
 */
final class StorePackages {

    static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models"))
            .toAbsolutePath().normalize();
    static final Path CNN = MODELS.resolve("cnn_qdq_per_channel.onnx");

    final Path directory;
    final Path trustedKeys;
    final PrivateKey key;
    final PackageFiles packages;

    /** Packages in {@code directory}, signed by a new key pair that {@code directory/keys} trusts. */
    StorePackages(Path directory) throws Exception {
        this(directory, newKeys(directory.resolve("keys")));
    }

    /** Packages in {@code directory}, signed by the existing key pair in {@code trustedKeys}. */
    StorePackages(Path directory, Path trustedKeys) throws Exception {
        this.directory = Files.createDirectories(directory);
        this.trustedKeys = trustedKeys;
        this.key = KeyFiles.readPrivateKey(trustedKeys.resolve("release.key"));
        this.packages = PackageFiles.trusting(trustedKeys);
    }

    private static Path newKeys(Path folder) throws Exception {
        Files.createDirectories(folder);
        KeyFiles.generate(folder.resolve("release"));
        return folder;
    }

    /** A signed package of model {@code name} version {@code version}. */
    Path write(String name, String version) throws Exception {
        return write(name, version, Optional.of(key));
    }

    /** A package of model {@code name} version {@code version}, signed by {@code signer} or unsigned. */
    Path write(String name, String version, Optional<PrivateKey> signer) throws Exception {
        Path versionFile = Files.writeString(directory.resolve(name + "-" + version + ".txt"), version + "\n");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("model.onnx", CNN);
        files.put("version.txt", versionFile);
        Path file = directory.resolve(name + "-" + version + ".qmp");
        packages.write(new PackageContents(name, version, "model.onnx", files,
                List.of(new InputSpec("input", Optional.empty())),
                List.of(new OutputSpec("logits", Optional.empty(), Optional.empty())), Optional.empty(), List.of("onnx")),
                signer, file);
        Files.delete(versionFile);
        return file;
    }
}
