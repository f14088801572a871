package io.quantedge.tck;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.Rounding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Requantization, bit-exact against the scalar backend, for each rounding mode and each output
 * type: every tie, values one ulp beside a tie, saturation at both ends, NaN and infinite
 * products, per-column multipliers, bias present or absent (and wrapping in int32), and random
 * matrices at offsets with leading dimensions.
 */
final class RequantizeConformance {

    private static final byte OUT_PADDING = 0x5A;

    private final Int8GemmKernel kernel;
    private final Int8GemmKernel oracle;
    private final long seed;

    RequantizeConformance(Int8GemmKernel kernel, Int8GemmKernel oracle, long seed) {
        this.kernel = kernel;
        this.oracle = oracle;
        this.seed = seed;
    }

    Stream<DynamicNode> tests() {
        List<DynamicNode> modes = new ArrayList<>();
        for (Rounding rounding : Rounding.values()) {
            for (boolean outSigned : new boolean[] {true, false}) {
                String name = rounding + " to " + IntegerSignedness.typeName(outSigned);
                modes.add(dynamicContainer(name, Stream.of(
                        dynamicTest("every tie", () -> everyTie(rounding, outSigned)),
                        dynamicTest("one ulp beside a tie", () -> besideTies(rounding, outSigned)),
                        dynamicTest("saturation at both ends", () -> saturates(rounding, outSigned)),
                        dynamicTest("NaN gives the output zero point, infinities saturate",
                                () -> nonFinite(rounding, outSigned)),
                        dynamicTest("bias added and wrapping in int32", () -> biasWraps(rounding, outSigned)),
                        dynamicTest("random, per-column multipliers and bias", () -> random(rounding, outSigned, true,
                                true)),
                        dynamicTest("random, per-column multipliers, no bias", () -> random(rounding, outSigned, true,
                                false)),
                        dynamicTest("random, one multiplier and bias", () -> random(rounding, outSigned, false,
                                true)),
                        dynamicTest("random, one multiplier, no bias", () -> random(rounding, outSigned, false,
                                false)))));
            }
        }
        return modes.stream();
    }

    /** Multipliers 1/2, 1/4, 3/2 and 1/2^10 turn accumulators -5000..5000 into every tie near zero and the ends. */
    private void everyTie(Rounding rounding, boolean outSigned) {
        int n = 101;
        int[] acc = new int[100 * n + 1];
        for (int index = 0; index < acc.length; index++) {
            acc[index] = index - 5000;
        }
        for (float multiplier : new float[] {0.5f, 0.25f, 1.5f, 0.0009765625f, -0.5f}) {
            for (int outZero : zeroPoints(outSigned)) {
                check(100, n, acc, 1, n, null, new float[] {multiplier}, outZero, outSigned, rounding,
                        "multiplier " + multiplier + ", zero point " + outZero);
            }
        }
    }

    private void besideTies(Rounding rounding, boolean outSigned) {
        int[] acc = new int[64];
        for (int index = 0; index < acc.length; index++) {
            acc[index] = index - 32;
        }
        float[] multipliers = {Math.nextDown(0.5f), Math.nextUp(0.5f), Math.nextDown(1.5f), Math.nextUp(1.5f),
            Math.nextDown(0.25f), Math.nextUp(0.25f)};
        for (float multiplier : multipliers) {
            check(4, 16, acc, 0, 16, null, new float[] {multiplier}, 0, outSigned, rounding, "multiplier "
                    + multiplier);
        }
    }

    private void saturates(Rounding rounding, boolean outSigned) {
        int[] acc = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1_000_000, -257, -256, -255, -129, -128, -127, -1, 0, 1,
            126, 127, 128, 254, 255, 256, 1_000_000, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (float multiplier : new float[] {1f, -1f, 0.999f, 1e-3f, 1e30f, -1e30f, Float.MAX_VALUE}) {
            for (int outZero : zeroPoints(outSigned)) {
                check(1, acc.length, acc, 0, acc.length, null, new float[] {multiplier}, outZero, outSigned,
                        rounding, "multiplier " + multiplier + ", zero point " + outZero);
            }
        }
    }

    /** NaN only comes from a NaN multiplier or 0 x infinity; the scalar backend defines it as the zero point. */
    private void nonFinite(Rounding rounding, boolean outSigned) {
        int[] acc = {0, 1, -1, 100, -100, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (float multiplier : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int outZero : zeroPoints(outSigned)) {
                check(1, acc.length, acc, 0, acc.length, null, new float[] {multiplier}, outZero, outSigned,
                        rounding, "multiplier " + multiplier + ", zero point " + outZero);
            }
        }
        float[] perColumn = {Float.NaN, 1f, Float.POSITIVE_INFINITY, 0.5f, Float.NEGATIVE_INFINITY, Float.NaN, 2f};
        check(1, acc.length, acc, 0, acc.length, new int[] {0, 1, 0, 1, 0, -1, 3}, perColumn, outSigned ? 3 : 103,
                outSigned, rounding, "NaN and infinities among per-column multipliers");
    }

    private void biasWraps(Rounding rounding, boolean outSigned) {
        int[] acc = {Integer.MAX_VALUE, Integer.MIN_VALUE, (1 << 24) + 1, -(1 << 24) - 1, 5, -5};
        int[] bias = {1, -1, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
        // 2^-24 scales: the bias must be added in int32 (2^24 + 2 is exact there, not in float).
        for (float multiplier : new float[] {1f / (1 << 24), 2.5f / (1 << 24), 1f / (1 << 30)}) {
            check(1, acc.length, acc, 0, acc.length, bias, new float[] {multiplier}, 0, outSigned, rounding,
                    "multiplier " + multiplier);
        }
    }

    private void random(Rounding rounding, boolean outSigned, boolean perColumn, boolean withBias) {
        Random random = new Random(seed ^ (rounding.ordinal() * 8L + (outSigned ? 4 : 0) + (perColumn ? 2 : 0)
                + (withBias ? 1 : 0)));
        for (int trial = 0; trial < 8; trial++) {
            int m = 1 + random.nextInt(40);
            int n = 1 + random.nextInt(70);
            MatrixLayout accLayout = MatrixLayout.random(random, m, n);
            int[] acc = new int[accLayout.arrayLength()];
            for (int index = 0; index < acc.length; index++) {
                acc[index] = switch (index % 4) {
                    case 0 -> random.nextInt(2001) - 1000;
                    case 1 -> random.nextInt(1 << 20) - (1 << 19);
                    case 2 -> random.nextInt(65) - 32;
                    default -> random.nextInt();
                };
            }
            float[] multipliers = new float[perColumn ? n : 1];
            for (int j = 0; j < multipliers.length; j++) {
                // Powers of two make ties common; the others are typical scale ratios.
                multipliers[j] = j % 3 == 0 ? 1f / (1 << random.nextInt(12))
                        : Math.scalb(random.nextFloat() + 0.5f, -random.nextInt(20));
            }
            int[] bias = null;
            if (withBias) {
                bias = new int[n];
                for (int j = 0; j < n; j++) {
                    bias[j] = random.nextInt(20_001) - 10_000;
                }
            }
            int outZero = IntegerSignedness.randomValue(random, outSigned);
            MatrixLayout outLayout = MatrixLayout.random(random, m, n);
            check(m, n, acc, accLayout, bias, multipliers, outZero, outSigned, rounding, outLayout,
                    "trial " + trial + ", " + m + "x" + n + ", zero point " + outZero + " (acc " + accLayout + ")");
        }
    }

    private void check(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                       int outZero, boolean outSigned, Rounding rounding, String context) {
        check(m, n, acc, new MatrixLayout(accOffset, ldAcc, m, n), bias, multiplier, outZero, outSigned, rounding,
                new MatrixLayout(2, n + 1, m, n), context);
    }

    private void check(int m, int n, int[] acc, MatrixLayout accLayout, int[] bias, float[] multiplier, int outZero,
                       boolean outSigned, Rounding rounding, MatrixLayout out, String context) {
        byte[] expected = new byte[out.arrayLength()];
        Arrays.fill(expected, OUT_PADDING);
        byte[] actual = expected.clone();
        int[] accBefore = acc.clone();
        oracle.requantize(m, n, acc, accLayout.offset(), accLayout.ld(), bias, multiplier, outZero, outSigned,
                rounding, expected, out.offset(), out.ld());
        kernel.requantize(m, n, acc, accLayout.offset(), accLayout.ld(), bias, multiplier, outZero, outSigned,
                rounding, actual, out.offset(), out.ld());
        if (!Arrays.equals(accBefore, acc)) {
            throw new AssertionError(context + ": requantize wrote into the accumulators");
        }
        OutputComparison.assertSameBytes(expected, actual, out, rounding + " to "
                + IntegerSignedness.typeName(outSigned) + ", " + context);
    }

    private static int[] zeroPoints(boolean signed) {
        return signed ? new int[] {-128, -1, 0, 5, 127} : new int[] {0, 1, 128, 255};
    }
}
