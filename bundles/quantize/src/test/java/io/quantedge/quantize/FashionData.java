package io.quantedge.quantize;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.npy.NpyFile;
import io.quantedge.onnx.OnnxModelLoader;
import io.quantedge.quantize.eval.Comparison;
import io.quantedge.quantize.eval.Evaluator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's Fashion-MNIST model and data (tests/models), and the engine as the gateway
 * assembles it without OSGi (the ONNX loader, the scalar reference backend).
 */
public final class FashionData {

    public static final Path MODELS = Path.of(System.getProperty("quantedge.models", "../../tests/models")).toAbsolutePath().normalize();
    static final Path CNN = MODELS.resolve("cnn_fp32.onnx");
    static final Path DATA = MODELS.resolve("data");

    private FashionData() {
    }

    public static Engine engine() {
        KernelRegistry kernels = new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0)));
        return new Engine(() -> List.of(new OnnxModelLoader()), () -> kernels);
    }

    public static Graph load(Path model) throws Exception {
        return new OnnxModelLoader().load(model);
    }

    public static Tensor calibration() throws Exception {
        return NpyFile.read(DATA.resolve("fashion_calib_images.npy"));
    }

    /**
     * The 1,000 test images, preprocessed in float32 exactly as tests/models/scripts/common.py does
     * ({@code (u8 / 255 - 0.2860) / 0.3530}); the float file is not committed.
     */
    public static Tensor testImages() throws Exception {
        Tensor raw = NpyFile.read(DATA.resolve("fashion_test_images_u8.npy"));
        int[] dims = raw.shape().dims();
        float[] x = new float[Math.toIntExact(raw.elementCount())];
        ByteBuffer pixels = raw.data();
        for (int i = 0; i < x.length; i++) {
            x[i] = ((pixels.get(i) & 0xFF) / 255f - 0.2860f) / 0.3530f;
        }
        return Tensor.ofFloats(Shape.of(dims[0], 1, dims[1], dims[2]), x);
    }

    /** An FP32 model with what it is measured against: its top-1 on the 1,000 test images and their labels. */
    public record Reference(Graph fp32, Tensor test, long[] labels, int[] top1, double accuracy) {
    }

    /** Runs {@code model} over the 1,000 test images, 100 at a time. */
    public static Reference reference(Engine engine, Path model) throws Exception {
        Graph graph = load(model);
        Tensor test = testImages();
        long[] labels = testLabels();
        float[] outputs;
        try (Model loaded = engine.load(graph, graph.name())) {
            outputs = Evaluator.outputs(loaded, loaded.inputs().get(0).name(), test, 100, n -> { });
        }
        int[] top1 = Comparison.top1(outputs, outputs.length / labels.length);
        return new Reference(graph, test, labels, top1, Comparison.accuracy(top1, labels));
    }

    public static long[] testLabels() throws Exception {
        return NpyFile.read(DATA.resolve("fashion_test_labels.npy")).toLongArray();
    }
}
