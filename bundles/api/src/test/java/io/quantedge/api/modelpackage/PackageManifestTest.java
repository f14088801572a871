package io.quantedge.api.modelpackage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageManifestTest {

    private static final String HASH = "0123456789abcdef".repeat(4);
    private static final List<PackageFile> FILES = List.of(new PackageFile("model.onnx", HASH, 10),
            new PackageFile("labels.txt", HASH, 2), new PackageFile("tv/in.npy", HASH, 3),
            new PackageFile("tv/out.npy", HASH, 4));

    private static PackageManifest manifest(String name, String model, Optional<String> labels,
                                            Optional<TestVectors> vectors) {
        return new PackageManifest(name, "1", model, FILES, List.of(new InputSpec("x", Optional.empty())),
                List.of(new OutputSpec("y", Optional.empty(), labels)), vectors, List.of("onnx"));
    }

    @Test
    void safePathsAreRelativeAndPlain() {
        for (String ok : List.of("model.onnx", "test-vectors/input-0.npy", "a/b/c_d-1.2", "_x")) {
            assertTrue(PackageFile.isSafePath(ok), ok);
        }
        for (String bad : List.of("", "/abs", "../x", "a/../b", "a/./b", "a//b", "a/", ".hidden", "-flag", "a\\b",
                "C:x", "name with space", "x".repeat(256), "\u00e9t\u00e9.onnx")) {
            assertFalse(PackageFile.isSafePath(bad), bad);
        }
    }

    @Test
    void aConsistentManifestKnowsItsModelAndTotalSize() {
        PackageManifest manifest = manifest("cam", "model.onnx", Optional.of("labels.txt"), Optional.of(new TestVectors(
                0.01, List.of(new TestVectors.TestCase(Map.of("x", "tv/in.npy"), Map.of("y", "tv/out.npy"))))));
        assertEquals(10, manifest.modelFile().size());
        assertEquals(19, manifest.totalSize());
        assertEquals(Path.of("/store/cam/model.onnx"), new VerifiedPackage(manifest, Path.of("/store/cam"),
                Optional.empty()).model());
    }

    @Test
    void referencesMustPointAtListedFilesAndDeclaredTensors() {
        assertThrows(IllegalArgumentException.class, () -> manifest("cam", "other.onnx", Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> manifest("cam", "model.onnx", Optional.of("names.txt"),
                Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> manifest("cam", "model.onnx", Optional.empty(), Optional.of(
                new TestVectors(0.01, List.of(new TestVectors.TestCase(Map.of("x", "tv/in.npy"),
                        Map.of("z", "tv/out.npy")))))));
        assertThrows(IllegalArgumentException.class, () -> manifest("cam", "model.onnx", Optional.empty(), Optional.of(
                new TestVectors(0.01, List.of(new TestVectors.TestCase(Map.of(), Map.of("y", "tv/out.npy")))))));
        assertThrows(IllegalArgumentException.class, () -> manifest("../cam", "model.onnx", Optional.empty(),
                Optional.empty()));
    }

    @Test
    void filesAreListedOnceAndTheManifestItselfIsNotAFile() {
        assertThrows(IllegalArgumentException.class, () -> new PackageManifest("cam", "1", "model.onnx",
                List.of(FILES.get(0), FILES.get(0)), List.of(), List.of(), Optional.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PackageManifest("cam", "1", "model.onnx",
                List.of(FILES.get(0), new PackageFile("manifest.json", HASH, 1)), List.of(), List.of(),
                Optional.empty(), List.of()));
    }
}
