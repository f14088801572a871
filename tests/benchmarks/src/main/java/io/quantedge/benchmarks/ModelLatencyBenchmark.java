package io.quantedge.benchmarks;

import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one inference (batch 1, one thread): the trained CNN on a real test image and the
 * MobileNetV2-shaped net on a seeded random image, each in FP32 and INT8 (QDQ per-channel), in
 * QuantEdge on each backend (one thread) and in ONNX Runtime (one thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
public class ModelLatencyBenchmark {

    @Param({"cnn", "mobilenetv2"})
    public String model;

    @Param({"fp32", "int8"})
    public String precision;

    @Param({"quantedge-scalar", "quantedge-vector", "quantedge-native", "onnxruntime"})
    public String runtime;

    private Runtimes subject;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path models = Path.of(System.getProperty("quantedge.models", "tests/models")).toAbsolutePath();
        boolean cnn = model.equals("cnn");
        String file = cnn ? (precision.equals("fp32") ? "cnn_fp32_folded.onnx" : "cnn_qdq_per_channel.onnx")
                : (precision.equals("fp32") ? "mobilenetv2_like.onnx" : "mobilenetv2_like_qdq.onnx");
        int[] shape = cnn ? new int[] {1, 1, 28, 28} : new int[] {1, 3, 96, 96};
        float[] input = cnn ? firstTestImage(models) : seededImage(3 * 96 * 96);
        String inputName = "input"; // both models name their image input so
        subject = runtime.startsWith("quantedge-")
                ? Runtimes.quantEdge(runtime.substring("quantedge-".length()), models.resolve(file), inputName, input, shape)
                : Runtimes.onnxRuntime(models.resolve(file), inputName, input, shape);
    }

    private static float[] firstTestImage(Path models) throws Exception {
        Tensor raw = NpyFile.read(models.resolve("data/fashion_test_images_u8.npy"));
        ByteBuffer pixels = raw.data();
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((pixels.get(i) & 0xFF) / 255f - 0.2860f) / 0.3530f;
        }
        return x;
    }

    private static float[] seededImage(int n) {
        Random random = new Random(42);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @Benchmark
    public float infer() throws Exception {
        return subject.runOnce();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        subject.close();
    }
}
