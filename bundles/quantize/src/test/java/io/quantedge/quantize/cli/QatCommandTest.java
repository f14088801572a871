package io.quantedge.quantize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.tensor.DataType;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantize --scheme qat} on the PyTorch QAT export, and the way it is refused elsewhere. */
class QatCommandTest extends CommandTestBase {

    static final Path QAT = MODELS.resolve("cnn_qat.onnx");

    @TempDir
    Path dir;

    @Test
    void aQatExportKeepsItsScalesAndGetsInt8WeightsWithoutData() throws Exception {
        Path q = dir.resolve("qat_int8.onnx");
        assertEquals(0, quantize("--model", QAT.toString(), "--out", q.toString(), "--scheme", "qat"), err());
        assertTrue(out().contains("(qat: fake-quantized weights stored as int8)"), out());
        assertTrue(out().contains("note: stored as int8, as the model's own QuantizeLinear computes them: net.conv1.weight"),
                out());
        assertFalse(out().contains("agreement"), "no data, no comparison: " + out());
        Graph written = new OnnxModelLoader().load(q);
        assertTrue(written.initializers().get("net.fc1.weight") == null, "the float weight is gone");
        assertTrue(written.initializers().values().stream().anyMatch(t -> t.type() == DataType.INT8
                && t.elementCount() == 64 * 1568), "fc1's weight is stored as int8");
        assertTrue(Files.size(QAT) > 3.5 * Files.size(q), Files.size(QAT) + " -> " + Files.size(q));
    }

    @Test
    void withDataTheQatModelIsComparedWithTheExportItCameFrom() {
        Path q = dir.resolve("qat_int8.onnx");
        assertEquals(0, quantize("--model", QAT.toString(), "--calibration", CALIBRATION.toString(), "--out",
                q.toString(), "--scheme", "qat"), err());
        // The same arithmetic as the export: every prediction and (nearly) every logit agree.
        assertTrue(out().contains("top-1 agreement with FP32 100.00%"), out());
    }

    @Test
    void aQuantizedModelIsRefusedByTheOtherSchemesAndAFloatOneByQat() {
        Path q = dir.resolve("q.onnx");
        assertEquals(5, quantize("--model", QAT.toString(), "--calibration", CALIBRATION.toString(), "--out",
                q.toString()));
        assertTrue(err().contains("error UNSUPPORTED: the model is quantized already"), err());
        assertTrue(err().contains("--scheme qat"), err());
        assertEquals(5, quantize("--model", CNN.toString(), "--out", q.toString(), "--scheme", "qat"));
        assertTrue(err().contains("the model has no fake-quantized weights"), err());
        assertEquals(2, quantize("--model", QAT.toString(), "--out", q.toString(), "--scheme", "qat", "--per-tensor"));
        assertTrue(err().contains("--per-tensor does not go with --scheme qat"), err());
        assertFalse(Files.exists(q), "nothing written");
    }
}
