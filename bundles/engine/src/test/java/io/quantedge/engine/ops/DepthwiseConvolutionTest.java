package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.backend.scalar.ScalarBackend;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Depthwise QLinearConv and ConvInteger (through the depthwise kernel) against a naive window loop
 * written here, and the choice of the backend that computes them.
 */
class DepthwiseConvolutionTest {

    private static final int CHANNELS = 5;

    /** One test geometry: image, square kernel, stride, dilation and the four pads. */
    private record Geometry(int h, int w, int k, int stride, int dilation, int padTop, int padLeft, int padBottom,
                            int padRight) {

        int outH() {
            return (h + padTop + padBottom - dilation * (k - 1) - 1) / stride + 1;
        }

        int outW() {
            return (w + padLeft + padRight - dilation * (k - 1) - 1) / stride + 1;
        }

        Map<String, Attribute> attributes() {
            return Map.of("group", Attribute.ofInt(CHANNELS), "strides", Attribute.ofInts(stride, stride),
                    "dilations", Attribute.ofInts(dilation, dilation),
                    "pads", Attribute.ofInts(padTop, padLeft, padBottom, padRight));
        }

        /** sum over the taps inside the image of (x - xZero) * (w - wZero[c]). */
        int sum(Value x, int xZero, Value weights, Value wZero, int c, int oh, int ow) {
            int acc = 0;
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    int ih = oh * stride - padTop + kh * dilation;
                    int iw = ow * stride - padLeft + kw * dilation;
                    int xv = ih >= 0 && ih < h && iw >= 0 && iw < w ? (int) x.integerAt((c * h + ih) * w + iw) : xZero;
                    acc += (xv - xZero) * (int) (weights.integerAt((c * k + kh) * k + kw) - wZero.integerAt(c));
                }
            }
            return acc;
        }
    }

    @ParameterizedTest(name = "{0}x{1} k{2} s{3} d{4} pads {5},{6},{7},{8} signed {9}")
    @CsvSource({
        "7, 9, 3, 1, 1, 1, 1, 1, 1, false",
        "8, 8, 3, 2, 1, 1, 1, 1, 1, true",
        "9, 7, 3, 2, 2, 2, 0, 1, 3, false",
        "5, 6, 5, 1, 1, 0, 2, 2, 0, true",
        "6, 6, 3, 3, 1, 0, 0, 0, 0, false",
        "4, 4, 1, 1, 1, 0, 0, 0, 0, true",
    })
    void qLinearConvMatchesANaiveWindowLoop(int h, int w, int k, int stride, int dilation, int padTop, int padLeft,
                                            int padBottom, int padRight, boolean signed) throws Exception {
        Geometry g = new Geometry(h, w, k, stride, dilation, padTop, padLeft, padBottom, padRight);
        Random random = new Random(h * 31 + w * 7 + k + stride + dilation);
        DataType xType = signed ? DataType.INT8 : DataType.UINT8;
        Value x = randomValue(random, xType, 1, CHANNELS, h, w);
        Value weights = randomValue(random, DataType.INT8, CHANNELS, 1, k, k);
        int xZero = signed ? -3 : 131;
        Value wZero = weightZeros(DataType.INT8);
        float[] wScale = {0.01f, 0.02f, 0.03f, 0.015f, 0.025f};
        Value bias = Value.allocate(DataType.INT32, CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            bias.ints()[c] = random.nextInt(4000) - 2000;
        }
        float xScale = 0.05f;
        float yScale = 0.7f;
        int yZero = signed ? 4 : 120;
        Value y = TestGraphs.runOp("", "QLinearConv", 10, g.attributes(), x, Value.ofFloats(new int[0], xScale),
                scalar(xType, xZero), weights, Value.ofFloats(new int[] {CHANNELS}, wScale), wZero,
                Value.ofFloats(new int[0], yScale), scalar(xType, yZero), bias)[0];

        for (int c = 0; c < CHANNELS; c++) {
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    int acc = g.sum(x, xZero, weights, wZero, c, oh, ow);
                    float multiplier = xScale * wScale[c] / yScale;
                    long expected = Math.max(xType.minValue(), Math.min(xType.maxValue(),
                            (long) Math.rint((float) (acc + bias.ints()[c]) * multiplier) + yZero));
                    assertEquals(expected, y.integerAt((c * g.outH() + oh) * g.outW() + ow),
                            "channel " + c + " at " + oh + "," + ow);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1} k{2} s{3} d{4} pads {5},{6},{7},{8} x signed {9}")
    @CsvSource({
        "7, 9, 3, 1, 1, 1, 1, 1, 1, false",
        "9, 7, 3, 2, 2, 2, 0, 1, 3, true",
        "4, 5, 3, 1, 1, 4, 0, 0, 4, false",
    })
    void convIntegerMatchesANaiveWindowLoop(int h, int w, int k, int stride, int dilation, int padTop, int padLeft,
                                            int padBottom, int padRight, boolean signed) throws Exception {
        Geometry g = new Geometry(h, w, k, stride, dilation, padTop, padLeft, padBottom, padRight);
        Random random = new Random(h + 13L * w + k);
        DataType xType = signed ? DataType.INT8 : DataType.UINT8;
        Value x = randomValue(random, xType, 2, CHANNELS, h, w);
        Value weights = randomValue(random, DataType.UINT8, CHANNELS, 1, k, k);
        int xZero = signed ? 100 : 7;
        Value wZero = weightZeros(DataType.UINT8);
        Value y = TestGraphs.runOp("", "ConvInteger", 10, g.attributes(), x, weights, scalar(xType, xZero), wZero)[0];

        int[] expected = new int[2 * CHANNELS * g.outH() * g.outW()];
        for (int n = 0; n < 2; n++) {
            Value image = new Value(xType, new int[] {1, CHANNELS, h, w}, x.data(), n * CHANNELS * h * w);
            for (int c = 0; c < CHANNELS; c++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++) {
                        expected[((n * CHANNELS + c) * g.outH() + oh) * g.outW() + ow] =
                                g.sum(image, xZero, weights, wZero, c, oh, ow);
                    }
                }
            }
        }
        assertArrayEquals(expected, y.ints());
    }

    @Test
    void theReportNamesTheBackendOfTheDepthwiseKernel() throws Exception {
        KernelRegistry registry = new KernelRegistry(List.of(new KernelRegistry.Ranked(new ScalarBackend(), 0),
                new KernelRegistry.Ranked(new StencilBackend(), 100)));
        Engine engine = new Engine(List::of, () -> registry);
        Random random = new Random(9);
        byte[] filters = new byte[CHANNELS * 9];
        random.nextBytes(filters);
        TestGraphs graph = new TestGraphs()
                .input(TensorSpec.of("x", DataType.UINT8, 1, CHANNELS, 6, 6))
                .output(TensorSpec.of("depthwise", DataType.UINT8, 1, CHANNELS, 6, 6))
                .output(TensorSpec.of("dense", DataType.UINT8, 1, CHANNELS, 6, 6))
                .initializer("scale", Tensor.ofFloats(Shape.of(), 0.02f))
                .initializer("zero", Tensor.ofBytes(DataType.UINT8, Shape.of(), (byte) 128))
                .initializer("w_zero", Tensor.ofBytes(DataType.INT8, Shape.of(), (byte) 0))
                .initializer("w_depthwise", Tensor.ofBytes(DataType.INT8, Shape.of(CHANNELS, 1, 3, 3), filters))
                .initializer("w_dense", Tensor.ofBytes(DataType.INT8, Shape.of(CHANNELS, CHANNELS, 1, 1),
                        new byte[CHANNELS * CHANNELS]));
        Map<String, Attribute> depthwise = Map.of("group", Attribute.ofInt(CHANNELS), "pads", Attribute.ofInts(1, 1, 1,
                1));
        graph.node("QLinearConv", List.of("x", "scale", "zero", "w_depthwise", "scale", "w_zero", "scale", "zero"),
                List.of("depthwise"), depthwise);
        graph.node("QLinearConv", List.of("x", "scale", "zero", "w_dense", "scale", "w_zero", "scale", "zero"),
                List.of("dense"), Map.of());
        try (Model model = engine.load(graph.build(), "mixed")) {
            List<String> backends = model.report().nodes().stream().map(node -> node.backend()).toList();
            assertEquals(List.of("stencil", "scalar"), backends);
        }
    }

    /** A backend with only the depthwise kernel (the scalar one, under another name). */
    private static final class StencilBackend implements KernelBackend {
        private final ScalarBackend scalar = new ScalarBackend();

        @Override
        public String name() {
            return "stencil";
        }

        @Override
        public Set<String> requiredCpuFeatures() {
            return Set.of();
        }

        @Override
        public Set<OpSignature> supportedOps() {
            return Set.of(OpSignature.of(DEPTHWISE_CONV, DataType.UINT8, DataType.INT8));
        }

        @Override
        public <K> Optional<K> kernel(Class<K> type) {
            return type == Int8DepthwiseConvKernel.class ? scalar.kernel(type) : Optional.empty();
        }
    }

    private static Value randomValue(Random random, DataType type, int... shape) {
        Value value = Value.allocate(type, shape);
        random.nextBytes(value.bytes());
        return value;
    }

    private static Value weightZeros(DataType type) {
        Value zeros = Value.allocate(type, CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            zeros.bytes()[c] = (byte) (type == DataType.INT8 ? c * 3 - 6 : 120 + c * 5);
        }
        return zeros;
    }

    private static Value scalar(DataType type, int value) {
        Value v = Value.allocate(type);
        v.bytes()[0] = (byte) value;
        return v;
    }
}
