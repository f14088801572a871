package io.quantedge.quantize.cli;

import io.quantedge.api.model.ModelLoader;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.onnx.OnnxModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The quantize and eval commands as the launcher calls them (the ONNX loader, the scalar engine),
 * on the project's CNN and data, with what they print kept for the tests to read.
 */
abstract class CommandTestBase {

    static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models")).toAbsolutePath().normalize();
    static final Path CNN = MODELS.resolve("cnn_fp32.onnx");
    static final Path CALIBRATION = MODELS.resolve("data/fashion_calib_images.npy");

    final List<ModelLoader> loaders = List.of(new OnnxModelLoader());
    final Engine engine = new Engine(() -> loaders,
            () -> new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0))));
    /** What the commands printed to standard output and error; a test may reset them. */
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int quantize(String... args) {
        return new QuantizeCommand(loaders, engine).execute(List.of(args), print(out), print(err));
    }

    int eval(String... args) {
        return new EvalCommand(loaders, engine).execute(List.of(args), print(out), print(err));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
