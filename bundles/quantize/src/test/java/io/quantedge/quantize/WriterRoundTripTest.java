package io.quantedge.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.onnx.writer.OnnxModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX writer: what it writes is the model it was given, for our loader and for ONNX Runtime. */
class WriterRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void unmodifiedModelReadsBackAsTheSameGraph() throws Exception {
        for (String file : new String[] {"cnn_fp32.onnx", "cnn_qdq_per_channel.onnx", "transformer_block_nbits.onnx"}) {
            Graph original = FashionData.load(FashionData.MODELS.resolve(file));
            Path written = dir.resolve(file);
            OnnxModelWriter.write(original, written);
            Graph back = FashionData.load(written);
            assertEquals(original.name(), back.name(), file);
            assertEquals(original.inputs(), back.inputs(), file);
            assertEquals(original.outputs(), back.outputs(), file);
            assertEquals(original.opsets(), back.opsets(), file);
            assertEquals(original.nodes(), back.nodes(), file);
            assertEquals(original.initializers(), back.initializers(), file);
            assertEquals(original.metadata(), back.metadata(), file);
        }
    }

    @Test
    void writtenModelGivesOnnxRuntimeAndTheEngineTheOriginalsOutputsExactly() throws Exception {
        Graph original = FashionData.load(FashionData.CNN);
        Path written = dir.resolve("cnn.onnx");
        OnnxModelWriter.write(original, written);
        Tensor images = Batches.slice(FashionData.testImages(), 0, 64);
        try (OrtRunner before = new OrtRunner(FashionData.CNN); OrtRunner after = new OrtRunner(written)) {
            assertArrayEquals(before.run("input", images).toFloatArray(), after.run("input", images).toFloatArray());
        }
        Engine engine = FashionData.engine();
        try (Model before = engine.load(FashionData.CNN); Model after = engine.load(written)) {
            assertArrayEquals(before.run(Map.of("input", images)).get("logits").toFloatArray(),
                    after.run(Map.of("input", images)).get("logits").toFloatArray());
        }
        assertEquals(0, Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count(), "no temporary file left");
    }
}
