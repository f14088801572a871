package io.quantedge.modelpackage;

import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageContents;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.Preprocessing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Packages for tests, made from the project's real test model: a signing key pair whose public key
 * is in a trusted-keys folder, good packages, and raw zips to tamper with.
 */
final class TestPackages {

    static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models"))
            .toAbsolutePath().normalize();
    static final Path CNN = MODELS.resolve("cnn_qdq_per_channel.onnx");
    static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    final Path directory;
    final KeyPair keys;
    final Path trustedKeys;
    final Path labels;

    TestPackages(Path directory) throws IOException, GeneralSecurityException {
        this.directory = directory;
        this.keys = Ed25519.generate();
        this.trustedKeys = Files.createDirectories(directory.resolve("trusted-keys"));
        Files.writeString(trustedKeys.resolve("release.pub"), PemKeys.publicKeyPem(keys.getPublic()));
        this.labels = Files.write(directory.resolve("labels.txt"), FASHION_LABELS, StandardCharsets.UTF_8);
    }

    PackageFiles packages() {
        return PackageFiles.trusting(trustedKeys);
    }

    PrivateKey privateKey() {
        return keys.getPrivate();
    }

    String keyId() {
        return Ed25519.keyId(keys.getPublic());
    }

    /** The CNN with its labels, as version {@code version} of "fashion". */
    PackageContents contents(String version) {
        return contents(version, Map.of());
    }

    PackageContents contents(String version, Map<String, Path> extraFiles) {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("model.onnx", CNN);
        files.put("labels.txt", labels);
        files.putAll(extraFiles);
        Preprocessing gray = new Preprocessing(28, 28, Preprocessing.Color.GRAY, Preprocessing.Layout.NCHW, 1 / 255.0,
                List.of(0.286), List.of(0.353));
        return new PackageContents("fashion", version, "model.onnx", files,
                List.of(new InputSpec("input", Optional.of(gray))),
                List.of(new OutputSpec("logits", Optional.of(Postprocessing.of(Postprocessing.Kind.CLASSIFICATION)),
                        Optional.of("labels.txt"))),
                Optional.empty(), List.of("onnx"));
    }

    /** A good, signed package of version {@code version}. */
    Path write(String fileName, String version) throws PackageException {
        Path file = directory.resolve(fileName);
        packages().write(contents(version), Optional.of(privateKey()), file);
        return file;
    }

    /** manifest.sig for {@code manifest}, signed with the trusted key. */
    byte[] signature(byte[] manifest) throws GeneralSecurityException {
        return new ManifestSignature(keys.getPublic(), Ed25519.sign(keys.getPrivate(), manifest)).toJson();
    }

    /** A zip's entries in order, by name. */
    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** Writes entries as they are, whatever their names: the raw material of hostile packages. */
    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** Everything under {@code root}, relative, for checking that nothing was left behind. */
    static List<String> listing(Path root) throws IOException {
        List<String> paths = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> paths.add(root.relativize(p).toString()));
        }
        paths.sort(null);
        return paths;
    }
}
