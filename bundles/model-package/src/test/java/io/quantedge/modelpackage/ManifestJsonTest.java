package io.quantedge.modelpackage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageException;
import io.quantedge.api.modelpackage.PackageException.Code;
import io.quantedge.api.modelpackage.PackageFile;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.modelpackage.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

    private static final String HASH = "ab".repeat(32);

    static PackageManifest manifest() {
        return new PackageManifest("door-cam", "1.2.0", "model.onnx",
                List.of(new PackageFile("model.onnx", HASH, 116942), new PackageFile("labels.txt", HASH, 80),
                        new PackageFile("test-vectors/input-0.npy", HASH, 3264),
                        new PackageFile("test-vectors/output-0.npy", HASH, 168)),
                List.of(new InputSpec("input", Optional.of(new Preprocessing(28, 28, Preprocessing.Color.GRAY,
                        Preprocessing.Layout.NCHW, 1 / 255.0, List.of(0.286), List.of(0.353))))),
                List.of(new OutputSpec("logits", Optional.of(new Postprocessing(Postprocessing.Kind.CLASSIFICATION, 3,
                        0.25, 0.5)), Optional.of("labels.txt"))),
                Optional.of(new TestVectors(0.001, List.of(new TestVectors.TestCase(
                        Map.of("input", "test-vectors/input-0.npy"), Map.of("logits", "test-vectors/output-0.npy"))))),
                List.of("onnx"));
    }

    @Test
    void aWrittenManifestReadsBackEqualAndItsBytesAreCanonical() throws PackageException {
        PackageManifest manifest = manifest();
        byte[] bytes = ManifestJson.write(manifest);
        assertEquals(manifest, ManifestJson.read(bytes));
        assertArrayEquals(bytes, ManifestJson.write(ManifestJson.read(bytes)));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\n  \"format\": 1,\n  \"name\": \"door-cam\","), text);
        assertTrue(text.endsWith("}\n"), text);
    }

    @Test
    void optionalPartsMayBeLeftOutAndTakeTheirDefaults() throws PackageException {
        String json = """
                {"format": 1, "name": "m", "version": "1", "model": "m.onnx",
                 "files": [{"path": "m.onnx", "sha256": "%s", "size": 1}],
                 "inputs": [{"name": "x"}],
                 "outputs": [{"name": "y", "postprocessing": {"kind": "detection"}}]}
                """.formatted(HASH);
        PackageManifest manifest = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), manifest.requires());
        assertEquals(Optional.empty(), manifest.testVectors());
        assertEquals(Optional.empty(), manifest.inputs().get(0).preprocessing());
        assertEquals(Postprocessing.of(Postprocessing.Kind.DETECTION), manifest.outputs().get(0).postprocessing().get());
    }

    @Test
    void anUnknownFieldAnywhereIsRefusedByName() {
        String root = written().replace("\"format\": 1,", "\"format\": 1, \"priority\": 9,");
        assertCode(Code.UNKNOWN_FIELD, root, "priority");
        String nested = written().replace("\"kind\": \"CLASSIFICATION\",", "\"kind\": \"CLASSIFICATION\", \"nms\": true,");
        assertCode(Code.UNKNOWN_FIELD, nested, "outputs[0].postprocessing");
        String inFile = written().replace("\"size\": 80", "\"size\": 80, \"mode\": 420");
        assertCode(Code.UNKNOWN_FIELD, inFile, "files[1]");
    }

    @Test
    void jsonThatIsNotStrictlyValidIsMalformed() {
        assertCode(Code.MALFORMED, "{\"format\": 1,", "not valid JSON");
        assertCode(Code.MALFORMED, "{'format': 1}", "not valid JSON");
        assertCode(Code.MALFORMED, written() + "{}", "after the JSON object");
        assertCode(Code.MALFORMED, "[1, 2]", "expected a JSON object");
        assertCode(Code.MALFORMED, "[".repeat(100) + "]".repeat(100), "nests deeper");
        assertCode(Code.MALFORMED, written().replace("\"name\": \"door-cam\",", "\"name\": \"door-cam\", \"name\": \"x\","),
                "twice");
        PackageException notUtf8 = assertThrows(PackageException.class,
                () -> ManifestJson.read(new byte[] {'{', (byte) 0xC3, '}'}));
        assertEquals(Code.MALFORMED, notUtf8.code());
    }

    @Test
    void wrongTypesMissingFieldsAndOtherFormatsAreMalformed() {
        assertCode(Code.MALFORMED, written().replace("\"size\": 80", "\"size\": \"80\""), "files[1].size");
        assertCode(Code.MALFORMED, written().replace("\"size\": 80", "\"size\": 80.5"), "whole number");
        assertCode(Code.MALFORMED, written().replace("\"size\": 80", "\"size\": -80"), "negative size");
        assertCode(Code.MALFORMED, written().replace("\"model\": \"model.onnx\",", ""), "model is missing");
        assertCode(Code.MALFORMED, written().replace("\"format\": 1", "\"format\": 2"), "format 2");
        assertCode(Code.MALFORMED, written().replace("\"GRAY\"", "\"CMYK\""), "not one of");
        assertCode(Code.MALFORMED, written().replace("\"labels\": \"labels.txt\"", "\"labels\": null"), "got null");
    }

    @Test
    void referencesToFilesThatAreNotListedAreMalformed() {
        assertCode(Code.MALFORMED, written().replace("\"model\": \"model.onnx\"", "\"model\": \"other.onnx\""),
                "not among the files");
        assertCode(Code.MALFORMED, written().replace("\"labels\": \"labels.txt\"", "\"labels\": \"names.txt\""),
                "not among the files");
        assertCode(Code.MALFORMED, written().replace("\"name\": \"door-cam\"", "\"name\": \"../door-cam\""),
                "name '../door-cam'");
    }

    @Test
    void aListedPathThatCouldLeaveThePackageFolderIsUnsafe() {
        for (String path : List.of("../x.onnx", "/etc/passwd", "a/../../x", "a\\\\b", ".hidden", "a//b", "C:/x")) {
            String json = written().replace("\"path\": \"labels.txt\"", "\"path\": \"" + path + "\"");
            PackageException e = assertThrows(PackageException.class,
                    () -> ManifestJson.read(json.getBytes(StandardCharsets.UTF_8)), path);
            assertEquals(Code.UNSAFE_ENTRY, e.code(), path + ": " + e.getMessage());
        }
    }

    private static String written() {
        return new String(ManifestJson.write(manifest()), StandardCharsets.UTF_8);
    }

    private static void assertCode(Code code, String json, String messagePart) {
        PackageException e = assertThrows(PackageException.class,
                () -> ManifestJson.read(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
