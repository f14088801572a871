package io.quantedge.onnx;

import static io.quantedge.onnx.OnnxWriter.dims;
import static io.quantedge.onnx.OnnxWriter.entry;
import static io.quantedge.onnx.OnnxWriter.graph;
import static io.quantedge.onnx.OnnxWriter.model;
import static io.quantedge.onnx.OnnxWriter.node;
import static io.quantedge.onnx.OnnxWriter.tensorValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalDataTest {

    @TempDir
    Path root;
    Path modelFolder;

    @BeforeEach
    void writeWeights() throws IOException {
        modelFolder = Files.createDirectories(root.resolve("model"));
        // 4096 bytes of padding, then 6 floats 0..5: offsets are page-aligned as ONNX recommends.
        ByteBuffer weights = ByteBuffer.allocate(4096 + 24).order(ByteOrder.LITTLE_ENDIAN);
        weights.position(4096);
        for (int i = 0; i < 6; i++) {
            weights.putFloat(i);
        }
        Files.createDirectories(modelFolder.resolve("data"));
        Files.write(modelFolder.resolve("data/weights.bin"), weights.array());
        Files.write(root.resolve("secret.bin"), new byte[4096 + 24]);
    }

    private static ProtoMessage externalTensor(String name, long[] dims, ProtoMessage... entries) {
        ProtoMessage tensor = OnnxWriter.tensor(name, OnnxWriter.FLOAT, dims);
        for (ProtoMessage e : entries) {
            tensor.message(13, e);
        }
        return tensor.varint(14, 1);
    }

    private Graph load(ProtoMessage tensor) throws ModelLoadException, IOException {
        ProtoMessage model = model(graph("external")
                .input(tensorValue("x", OnnxWriter.FLOAT, 2L, 3L))
                .initializer(tensor)
                .node(node("Add", "add", List.of("x", "w"), List.of("y")))
                .output(tensorValue("y", OnnxWriter.FLOAT, 2L, 3L))
                .build());
        Path file = modelFolder.resolve("model.onnx");
        Files.write(file, model.toByteArray());
        return new OnnxModelLoader().load(file);
    }

    private ModelLoadException refused(ProtoMessage tensor) {
        return assertThrows(ModelLoadException.class, () -> load(tensor));
    }

    @Test
    void externalDataIsMappedFromTheModelsFolder() throws Exception {
        Graph graph = load(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "4096"), entry("length", "24")));
        Tensor w = graph.initializers().get("w");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w.toFloatArray());
        assertTrue(w.data().isDirect(), "external data should be a view of the mapped file");
    }

    @Test
    void lengthMayBeOmitted() throws Exception {
        Graph graph = load(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "4096"), entry("checksum", "ignored")));
        assertEquals(5f, graph.initializers().get("w").floatAt(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret.bin", "data/../../secret.bin", "..\\secret.bin", "/etc/passwd", "\\\\server\\share",
        "C:/weights.bin", "data/./../.."})
    void locationsOutsideTheModelsFolderAreRefused(String location) {
        ModelLoadException e = refused(externalTensor("w", dims(2, 3), entry("location", location), entry("offset", "4096")));
        assertEquals(Code.MALFORMED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains(location), e.getMessage());
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsRefused() throws Exception {
        Files.createSymbolicLink(modelFolder.resolve("link.bin"), root.resolve("secret.bin"));
        ModelLoadException e = refused(externalTensor("w", dims(2, 3), entry("location", "link.bin"), entry("offset", "4096")));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("resolves outside the model's folder"), e.getMessage());
    }

    @Test
    void regionsOutsideTheFileAreRefused() {
        ModelLoadException beyond = refused(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "4100")));
        assertEquals(Code.MALFORMED, beyond.code());
        assertTrue(beyond.getMessage().contains("tensor 'w' has 24 bytes of external data at offset 4100, outside"
                + " 'data/weights.bin', which holds 4120 bytes"),
                beyond.getMessage());
        assertEquals(Code.MALFORMED, refused(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "9223372036854775807"))).code());
        assertEquals(Code.MALFORMED, refused(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "-1"))).code());
        assertEquals(Code.MALFORMED, refused(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "x"))).code());
    }

    @Test
    void theLengthMustMatchTheDeclaredSize() {
        ModelLoadException e = refused(externalTensor("w", dims(2, 3),
                entry("location", "data/weights.bin"), entry("offset", "4096"), entry("length", "20")));
        assertEquals(Code.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("declares 24 bytes of data but its external_data length is 20"), e.getMessage());
    }

    @Test
    void aHugeDeclaredTensorIsRefusedBeforeTheFileIsTouched() {
        ModelLoadException e = refused(externalTensor("w", dims(1L << 20, 1L << 20),
                entry("location", "data/weights.bin"), entry("length", "1099511627776")));
        assertEquals(Code.TOO_LARGE, e.code());
    }

    @Test
    void missingFilesAndLocationsAreReported() {
        ModelLoadException missing = refused(externalTensor("w", dims(2, 3), entry("location", "nothing.bin")));
        assertEquals(Code.IO, missing.code());
        assertTrue(missing.getMessage().contains("nothing.bin"), missing.getMessage());
        ModelLoadException noLocation = refused(externalTensor("w", dims(2, 3), entry("offset", "0")));
        assertEquals(Code.MALFORMED, noLocation.code());
        assertTrue(noLocation.getMessage().contains("has no location"), noLocation.getMessage());
        ModelLoadException folder = refused(externalTensor("w", dims(2, 3), entry("location", "data")));
        assertEquals(Code.IO, folder.code());
    }

    @Test
    void externalDataPlusInlineDataIsMalformed() {
        ProtoMessage both = externalTensor("w", dims(2, 3), entry("location", "data/weights.bin"), entry("offset", "4096"))
                .bytes(9, new byte[24]);
        assertEquals(Code.MALFORMED, refused(both).code());
    }
}
