package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Depthwise convolutions, bit-exact against the scalar backend for each image and filter type the
 * backend declares: the shape sweep of {@link DepthwiseShape} (each shape as int32 sums and
 * requantized, the zero-point and requantization cases rotating through it), extreme values with
 * extreme zero points, requantization ties, saturation and non-finite multipliers, int32
 * wraparound, packed filters reused, and packing independent of the arrays packed from.
 */
final class DepthwiseConvConformance {

    private static final int SUM_PADDING = 0x5EED_C0DE;
    private static final byte OUT_PADDING = 0x5A;

    /** The output side of a requantized call. */
    private record Requantization(int[] bias, float[] multiplier, int yZero, boolean ySigned, Rounding rounding) {

        @Override
        public String toString() {
            return rounding + " to " + IntegerSignedness.typeName(ySigned) + ", zero point " + yZero + ", "
                    + (multiplier.length == 1 ? "multiplier " + multiplier[0] : "per-channel multipliers")
                    + (bias == null ? ", no bias" : ", bias");
        }
    }

    private final Int8DepthwiseConvKernel kernel;
    private final Int8DepthwiseConvKernel oracle;
    private final long seed;

    DepthwiseConvConformance(Int8DepthwiseConvKernel kernel, Int8DepthwiseConvKernel oracle, long seed) {
        this.kernel = kernel;
        this.oracle = oracle;
        this.seed = seed;
    }

    Stream<DynamicNode> tests(List<IntegerSignedness> declared) {
        return declared.stream().map(types -> dynamicContainer(describe(types), Stream.of(
                dynamicContainer("shapes", shapes(types)),
                dynamicTest("extreme values and zero points", () -> extremes(types)),
                dynamicContainer("requantization", requantization(types)),
                dynamicTest("int32 sums wrap around, a 1 x 40000 kernel", () -> wrapsAround(types)),
                dynamicTest("packed filters reused for other images and windows", () -> reusesFilters(types)),
                dynamicTest("packing copies the filters and their zero points", () -> packingCopies(types)))));
    }

    static String describe(IntegerSignedness types) {
        return IntegerSignedness.typeName(types.aSigned()) + " image, " + IntegerSignedness.typeName(types.bSigned())
                + " filters";
    }

    private Stream<DynamicNode> shapes(IntegerSignedness types) {
        List<DepthwiseShape> shapes = DepthwiseShape.sweep(seed);
        List<DynamicNode> tests = new ArrayList<>();
        for (int index = 0; index < shapes.size(); index++) {
            DepthwiseShape shape = shapes.get(index);
            int zeroCase = index % 3;
            boolean perChannel = index % 2 == 1;
            int requantizationCase = index % 16;
            String name = shape + ", zero points " + new String[] {"random", "low end", "high end"}[zeroCase] + ", "
                    + (perChannel ? "per-channel" : "per-tensor") + " filter zero points";
            tests.add(dynamicTest(name, () -> {
                Random random = new Random(seed ^ name.hashCode() ^ types.hashCode());
                int xZero = zeroPoint(random, types.aSigned(), zeroCase);
                int[] wZeros = new int[perChannel ? Math.max(shape.channels(), 1) : 1];
                for (int c = 0; c < wZeros.length; c++) {
                    wZeros[c] = zeroPoint(random, types.bSigned(), (zeroCase + c) % 3);
                }
                DepthwiseOperands operands = DepthwiseOperands.random(random, shape, types, xZero, wZeros);
                assertSameSums(operands, random, types + " " + name);
                Requantization requantization = rotating(random, requantizationCase, shape.channels());
                assertSameRequantized(operands, requantization, random, types + " " + name + ", " + requantization);
            }));
        }
        return tests.stream();
    }

    /**
     * Constant images and filters at the ends of their ranges with zero points at the ends, in a
     * padded window: the largest products, of both signs, and every zero-point correction.
     */
    private void extremes(IntegerSignedness types) {
        Random random = new Random(seed ^ 0xE);
        DepthwiseShape shape = DepthwiseShape.of(3, 5, 18, 3, 3, 1, 1, 1, 1, 1, 2, 2, 1);
        for (int xValue : IntegerSignedness.ends(types.aSigned())) {
            for (int wValue : IntegerSignedness.ends(types.bSigned())) {
                for (int xZero : IntegerSignedness.ends(types.aSigned())) {
                    for (int wZero : IntegerSignedness.ends(types.bSigned())) {
                        int other = wZero == IntegerSignedness.high(types.bSigned())
                                ? IntegerSignedness.low(types.bSigned()) : IntegerSignedness.high(types.bSigned());
                        DepthwiseOperands operands = DepthwiseOperands.constant(random, shape, types, xValue, xZero,
                                wValue, new int[] {wZero, other, wZero});
                        String context = types + " x = " + xValue + ", w = " + wValue + ", zero points x " + xZero
                                + ", w " + wZero;
                        assertSameSums(operands, random, context);
                        assertSameRequantized(operands, new Requantization(null, new float[] {1f / 1024}, 0,
                                types.aSigned(), Rounding.HALF_TO_EVEN), random, context);
                    }
                }
            }
        }
    }

    private Stream<DynamicNode> requantization(IntegerSignedness types) {
        List<DynamicNode> modes = new ArrayList<>();
        for (Rounding rounding : Rounding.values()) {
            for (boolean ySigned : new boolean[] {true, false}) {
                String name = rounding + " to " + IntegerSignedness.typeName(ySigned);
                modes.add(dynamicContainer(name, Stream.of(
                        dynamicTest("ties, every output zero point", () -> ties(types, rounding, ySigned)),
                        dynamicTest("saturation at both ends", () -> saturates(types, rounding, ySigned)),
                        dynamicTest("NaN gives the output zero point, infinities saturate",
                                () -> nonFinite(types, rounding, ySigned)),
                        dynamicTest("per-channel multipliers and biases", () -> perChannel(types, rounding,
                                ySigned)))));
            }
        }
        return modes.stream();
    }

    /** Powers of two times integer sums: ties at every half, rounded per the mode. */
    private void ties(IntegerSignedness types, Rounding rounding, boolean ySigned) {
        Random random = new Random(seed ^ 0x71E5);
        DepthwiseShape shape = DepthwiseShape.of(4, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        DepthwiseOperands operands = randomOperands(random, shape, types);
        for (float multiplier : new float[] {0.5f, 0.25f, 1.5f, 1f / 1024, -0.5f, 1f / 64}) {
            for (int yZero : yZeroPoints(ySigned)) {
                int[] bias = {1, -2, 3, 0};
                assertSameRequantized(operands, new Requantization(bias, new float[] {multiplier}, yZero, ySigned,
                        rounding), random, types + " multiplier " + multiplier + ", zero point " + yZero);
            }
        }
    }

    private void saturates(IntegerSignedness types, Rounding rounding, boolean ySigned) {
        Random random = new Random(seed ^ 0x5A7);
        DepthwiseShape shape = DepthwiseShape.of(3, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        DepthwiseOperands operands = randomOperands(random, shape, types);
        for (float multiplier : new float[] {1f, -1f, 0.999f, 1e-3f, 1e30f, -1e30f, Float.MAX_VALUE}) {
            for (int yZero : yZeroPoints(ySigned)) {
                assertSameRequantized(operands, new Requantization(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE,
                    7}, new float[] {multiplier}, yZero, ySigned, rounding), random, types + " multiplier "
                        + multiplier + ", zero point " + yZero);
            }
        }
    }

    private void nonFinite(IntegerSignedness types, Rounding rounding, boolean ySigned) {
        Random random = new Random(seed ^ 0x7A7);
        DepthwiseShape shape = DepthwiseShape.of(7, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        DepthwiseOperands operands = randomOperands(random, shape, types);
        for (float multiplier : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int yZero : yZeroPoints(ySigned)) {
                assertSameRequantized(operands, new Requantization(null, new float[] {multiplier}, yZero, ySigned,
                        rounding), random, types + " multiplier " + multiplier + ", zero point " + yZero);
            }
        }
        float[] perChannel = {Float.NaN, 1f, Float.POSITIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, Float.NaN, 2f};
        assertSameRequantized(operands, new Requantization(new int[] {0, 1, 0, 1, 0, -1, 3}, perChannel,
                ySigned ? 3 : 103, ySigned, rounding), random, types + " NaN, infinities and 0 among per-channel"
                + " multipliers");
    }

    private void perChannel(IntegerSignedness types, Rounding rounding, boolean ySigned) {
        Random random = new Random(seed ^ (rounding.ordinal() * 2L + (ySigned ? 1 : 0)));
        for (int trial = 0; trial < 6; trial++) {
            DepthwiseShape shape = DepthwiseShape.of(1 + random.nextInt(20), 2 + random.nextInt(20),
                    2 + random.nextInt(20), 3, 3, 1 + random.nextInt(2), 1 + random.nextInt(2), 1, 1, 1, 1, 1, 1);
            DepthwiseOperands operands = randomOperands(random, shape, types);
            float[] multipliers = new float[shape.channels()];
            int[] bias = new int[shape.channels()];
            for (int c = 0; c < multipliers.length; c++) {
                // Powers of two make ties common; the others are typical scale ratios.
                multipliers[c] = c % 3 == 0 ? 1f / (1 << random.nextInt(12))
                        : Math.scalb(random.nextFloat() + 0.5f, -random.nextInt(14));
                bias[c] = random.nextInt(20_001) - 10_000;
            }
            int yZero = IntegerSignedness.randomValue(random, ySigned);
            assertSameRequantized(operands, new Requantization(trial % 2 == 0 ? bias : null, multipliers, yZero,
                    ySigned, rounding), random, types + " trial " + trial + ", " + shape);
        }
    }

    private void wrapsAround(IntegerSignedness types) {
        Random random = new Random(seed ^ 40_000);
        // (low - high) x (high - low) = -255 x 255 per tap: 40000 taps pass -2^31.
        DepthwiseShape shape = DepthwiseShape.of(2, 1, 40_003, 1, 40_000, 1, 1, 1, 1, 0, 0, 0, 0);
        DepthwiseOperands operands = DepthwiseOperands.constant(random, shape, types,
                IntegerSignedness.low(types.aSigned()), IntegerSignedness.high(types.aSigned()),
                IntegerSignedness.high(types.bSigned()), new int[] {IntegerSignedness.low(types.bSigned())});
        assertSameSums(operands, random, types + " extreme values, " + shape);
        assertSameSums(randomOperands(random, shape, types), random, types + " random values, " + shape);
    }

    private void reusesFilters(IntegerSignedness types) {
        Random random = new Random(seed ^ 0xF1);
        int channels = 9;
        DepthwiseOperands first = randomOperands(random, DepthwiseShape.of(channels, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1,
                1), types);
        PackedMatrix packed = first.pack(kernel);
        PackedMatrix reference = first.pack(oracle);
        DepthwiseShape[] shapes = {
            DepthwiseShape.of(channels, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            DepthwiseShape.of(channels, 21, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
            DepthwiseShape.of(channels, 5, 40, 3, 3, 1, 2, 2, 1, 0, 3, 2, 0),
            DepthwiseShape.of(channels, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
        };
        for (int round = 0; round < 2; round++) {
            for (DepthwiseShape shape : shapes) {
                DepthwiseOperands operands = first.withImage(random, shape,
                        IntegerSignedness.randomValue(random, types.aSigned()));
                String context = types + " " + shape + " in round " + round;
                compareSums(operands, packed, reference, operands.outputLayout(random), context);
                compareRequantized(operands, packed, reference, rotating(random, round, channels),
                        operands.outputLayout(random), context);
            }
        }
    }

    /**
     * The engine packs from buffers it reuses, and a packed matrix is a constant: overwriting what
     * was packed from must not change later convolutions.
     */
    private void packingCopies(IntegerSignedness types) {
        Random random = new Random(seed ^ 0xC0);
        DepthwiseShape shape = DepthwiseShape.of(6, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        int[] wZeros = new int[shape.channels()];
        for (int c = 0; c < wZeros.length; c++) {
            wZeros[c] = IntegerSignedness.randomValue(random, types.bSigned());
        }
        DepthwiseOperands operands = DepthwiseOperands.random(random, shape, types,
                IntegerSignedness.randomValue(random, types.aSigned()), wZeros);
        PackedMatrix reference = operands.pack(oracle);
        PackedMatrix packed = operands.pack(kernel);
        random.nextBytes(operands.filters().values());
        Arrays.fill(wZeros, IntegerSignedness.low(types.bSigned()));
        compareSums(operands, packed, reference, operands.outputLayout(random), types
                + " after the packed arrays were overwritten");
    }

    private DepthwiseOperands randomOperands(Random random, DepthwiseShape shape, IntegerSignedness types) {
        int[] wZeros = new int[shape.channels()];
        for (int c = 0; c < wZeros.length; c++) {
            wZeros[c] = IntegerSignedness.randomValue(random, types.bSigned());
        }
        return DepthwiseOperands.random(random, shape, types, IntegerSignedness.randomValue(random, types.aSigned()),
                wZeros);
    }

    /** Case {@code index} of 16: per-channel or one multiplier, bias or none, int8 or uint8 out, each rounding. */
    private static Requantization rotating(Random random, int index, int channels) {
        boolean perChannel = (index & 1) != 0;
        boolean withBias = (index & 2) != 0;
        boolean ySigned = (index & 4) != 0;
        Rounding rounding = (index & 8) != 0 ? Rounding.HALF_AWAY_FROM_ZERO : Rounding.HALF_TO_EVEN;
        float[] multipliers = new float[perChannel ? Math.max(channels, 1) : 1];
        for (int c = 0; c < multipliers.length; c++) {
            multipliers[c] = c % 2 == 0 ? 1f / (1 << (4 + random.nextInt(8)))
                    : Math.scalb(random.nextFloat() + 0.5f, -4 - random.nextInt(10));
        }
        int[] bias = null;
        if (withBias) {
            bias = new int[channels];
            for (int c = 0; c < channels; c++) {
                bias[c] = random.nextInt(20_001) - 10_000;
            }
        }
        int yZero = zeroPoint(random, ySigned, index % 3);
        return new Requantization(bias, multipliers, yZero, ySigned, rounding);
    }

    /** Case 0: random; 1: the low end of the type; 2: the high end. */
    private static int zeroPoint(Random random, boolean signed, int zeroCase) {
        return switch (zeroCase) {
            case 0 -> IntegerSignedness.randomValue(random, signed);
            case 1 -> IntegerSignedness.low(signed);
            default -> IntegerSignedness.high(signed);
        };
    }

    private static int[] yZeroPoints(boolean signed) {
        return signed ? new int[] {-128, -1, 0, 5, 127} : new int[] {0, 1, 128, 255};
    }

    private void assertSameSums(DepthwiseOperands operands, Random random, String context) {
        byte[] filtersBefore = operands.filters().values().clone();
        int[] zerosBefore = operands.wZeros().clone();
        PackedMatrix reference = operands.pack(oracle);
        PackedMatrix packed = operands.pack(kernel);
        assertArrayEquals(filtersBefore, operands.filters().values(), context + ": pack wrote into the filters");
        assertArrayEquals(zerosBefore, operands.wZeros(), context + ": pack wrote into the zero points");
        compareSums(operands, packed, reference, operands.outputLayout(random), context);
    }

    private void assertSameRequantized(DepthwiseOperands operands, Requantization requantization, Random random,
                                       String context) {
        compareRequantized(operands, operands.pack(kernel), operands.pack(oracle), requantization,
                operands.outputLayout(random), context);
    }

    private void compareSums(DepthwiseOperands operands, PackedMatrix packed, PackedMatrix reference,
                             MatrixLayout y, String context) {
        DepthwiseShape shape = operands.shape();
        Int8Matrix x = operands.x();
        byte[] xBefore = x.values().clone();
        int[] expected = new int[y.arrayLength()];
        Arrays.fill(expected, SUM_PADDING);
        int[] actual = expected.clone();
        oracle.convolve(shape.channels(), shape.window(), x.values(), x.offset(), x.signed(), operands.xZero(),
                reference, expected, y.offset());
        kernel.convolve(shape.channels(), shape.window(), x.values(), x.offset(), x.signed(), operands.xZero(), packed,
                actual, y.offset());
        assertArrayEquals(xBefore, x.values(), context + ": convolve wrote into the image");
        OutputComparison.assertSameInts(expected, actual, y, context + ", int32 sums (y[channel][position])");
    }

    private void compareRequantized(DepthwiseOperands operands, PackedMatrix packed, PackedMatrix reference,
                                    Requantization r, MatrixLayout y, String context) {
        DepthwiseShape shape = operands.shape();
        Int8Matrix x = operands.x();
        byte[] xBefore = x.values().clone();
        byte[] expected = new byte[y.arrayLength()];
        Arrays.fill(expected, OUT_PADDING);
        byte[] actual = expected.clone();
        oracle.convolveRequantized(shape.channels(), shape.window(), x.values(), x.offset(), x.signed(),
                operands.xZero(), reference, r.bias(), r.multiplier(), r.yZero(), r.ySigned(), r.rounding(), expected,
                y.offset());
        kernel.convolveRequantized(shape.channels(), shape.window(), x.values(), x.offset(), x.signed(),
                operands.xZero(), packed, r.bias(), r.multiplier(), r.yZero(), r.ySigned(), r.rounding(), actual,
                y.offset());
        assertArrayEquals(xBefore, x.values(), context + ": convolveRequantized wrote into the image");
        OutputComparison.assertSameBytes(expected, actual, y, context + ", requantized (y[channel][position])");
    }
}
