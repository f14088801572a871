package io.quantedge.benchmarks;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.graph.Graph;
import io.quantedge.api.graph.Node;
import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.engine.Engine;
import java.util.List;
import java.util.Map;
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
 * The kernels the backends exist for, per backend: INT8 GEMM 256x4096x4096, INT8 GEMV 4096x4096,
 * INT4 (block 32) GEMV 4096x4096 on float activations and on int8 activations (accuracy level 4),
 * and a quantized 3x3 convolution on a 56x56x64 image through the engine (unfolding, product, requantization). One or all threads
 * (the native backend splits products over threads; the others use one).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules=jdk.incubator.vector"})
public class KernelThroughputBenchmark {

    /** Arithmetic operations (multiply and add each count) per call, for GOP/s. */
    static double operations(String kernel) {
        return switch (kernel) {
            case "gemm-int8" -> 2.0 * 256 * 4096 * 4096;
            case "gemv-int8", "gemv-int4", "gemv-int4-int8" -> 2.0 * 4096 * 4096;
            case "conv3x3-int8" -> 2.0 * 56 * 56 * 64 * 64 * 9;
            default -> throw new IllegalArgumentException(kernel);
        };
    }

    @Param({"gemm-int8", "gemv-int8", "gemv-int4", "gemv-int4-int8", "conv3x3-int8"})
    public String kernel;

    @Param({"scalar", "vector", "native"})
    public String backend;

    @Param({"1", "0"})
    public int threads;

    private Int8GemmKernel int8;
    private BlockwiseInt4Kernel int4;
    private BlockwiseInt4Int8Kernel int4Int8;
    private PackedMatrix packed;
    private byte[] a;
    private float[] aFloat;
    private int[] c;
    private float[] cFloat;
    private int m;
    private Model conv;
    private Map<String, Tensor> convInput;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        Random random = new Random(7);
        KernelBackend chosen = Backends.named(backend, threads);
        int k = 4096;
        int n = 4096;
        switch (kernel) {
            case "gemm-int8", "gemv-int8" -> {
                m = kernel.startsWith("gemm") ? 256 : 1;
                int8 = chosen.kernel(Int8GemmKernel.class).orElseThrow();
                byte[] b = new byte[k * n];
                random.nextBytes(b);
                packed = int8.pack(b, 0, n, k, n, true, new int[] {0});
                a = new byte[m * k];
                random.nextBytes(a);
                c = new int[m * n];
            }
            case "gemv-int4", "gemv-int4-int8" -> {
                m = 1;
                int block = 32;
                byte[] q = new byte[n * (k / block) * (block / 2)];
                random.nextBytes(q);
                float[] scales = new float[n * (k / block)];
                java.util.Arrays.fill(scales, 0.01f);
                if (kernel.equals("gemv-int4")) {
                    int4 = chosen.kernel(BlockwiseInt4Kernel.class).orElseThrow();
                    packed = int4.pack(q, scales, null, k, n, block);
                } else {
                    int4Int8 = chosen.kernel(BlockwiseInt4Int8Kernel.class).orElseThrow();
                    packed = int4Int8.pack(q, scales, null, k, n, block);
                }
                aFloat = new float[k];
                for (int i = 0; i < k; i++) {
                    aFloat[i] = (float) random.nextGaussian();
                }
                cFloat = new float[n];
            }
            default -> prepareConvolution(random);
        }
    }

    private void prepareConvolution(Random random) throws Exception {
        byte[] weights = new byte[64 * 64 * 9];
        random.nextBytes(weights);
        Map<String, Tensor> initializers = Map.of(
                "w", Tensor.ofBytes(DataType.INT8, Shape.of(64, 64, 3, 3), weights),
                "xs", Tensor.ofFloats(Shape.scalar(), 0.02f), "xz", Tensor.ofBytes(DataType.UINT8, Shape.scalar(), (byte) 128),
                "ws", Tensor.ofFloats(Shape.scalar(), 0.01f), "wz", Tensor.ofBytes(DataType.INT8, Shape.scalar(), (byte) 0),
                "ys", Tensor.ofFloats(Shape.scalar(), 0.5f), "yz", Tensor.ofBytes(DataType.UINT8, Shape.scalar(), (byte) 128));
        Node node = new Node("conv", "", "QLinearConv", List.of("x", "xs", "xz", "w", "ws", "wz", "ys", "yz"),
                List.of("y"), Map.of("pads", Attribute.ofInts(1, 1, 1, 1)));
        Graph graph = new Graph("conv3x3", Map.of("", 13), List.of(TensorSpec.of("x", DataType.UINT8, 1, 64, 56, 56)),
                List.of(TensorSpec.of("y", DataType.UINT8, 1, 64, 56, 56)), initializers, List.of(node), Map.of());
        conv = new Engine(List::of, () -> Backends.only(backend, threads)).load(graph, "conv3x3");
        byte[] x = new byte[64 * 56 * 56];
        random.nextBytes(x);
        convInput = Map.of("x", Tensor.ofBytes(DataType.UINT8, Shape.of(1, 64, 56, 56), x));
    }

    @Benchmark
    public Object run() throws Exception {
        switch (kernel) {
            case "gemm-int8", "gemv-int8" -> {
                int8.gemm(m, 4096, 4096, a, 0, 4096, true, 0, packed, c, 0, 4096);
                return c;
            }
            case "gemv-int4" -> {
                int4.matmul(1, 4096, 4096, aFloat, 0, 4096, packed, cFloat, 0, 4096);
                return cFloat;
            }
            case "gemv-int4-int8" -> {
                int4Int8.matmul(1, 4096, 4096, aFloat, 0, 4096, packed, cFloat, 0, 4096);
                return cFloat;
            }
            default -> {
                return conv.run(convInput);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (conv != null) {
            conv.close();
        }
    }
}
