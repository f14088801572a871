package io.quantedge.tck;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Float products, packed and unpacked, overwriting C or accumulating into it, within
 * {@link FloatTolerance} of a double-precision reference and of the scalar backend. Inputs are
 * finite and their sums stay finite: what a kernel does with NaN or infinite inputs is not
 * specified, so it is not checked. Two things about non-finite values are required: NaN in the
 * padding around A and B must not reach C (it is not part of the matrices), and without
 * {@code accumulate} C's old contents (NaN here) must not either (C = A x B, not 0 x C + A x B).
 */
final class FloatGemmConformance {

    private static final float C_PADDING = -7.25f;

    private final FloatGemmKernel kernel;
    private final FloatGemmKernel oracle;
    private final long seed;

    FloatGemmConformance(FloatGemmKernel kernel, FloatGemmKernel oracle, long seed) {
        this.kernel = kernel;
        this.oracle = oracle;
        this.seed = seed;
    }

    Stream<DynamicNode> tests() {
        List<GemmShape> shapes = GemmShape.sweep(seed);
        return Stream.of(
                dynamicContainer("packed B", shapes.stream().map(shape -> dynamicTest(shape.toString(),
                        () -> checkShape(shape, true, 0)))),
                dynamicContainer("unpacked B", shapes.stream().map(shape -> dynamicTest(shape.toString(),
                        () -> checkShape(shape, false, 0)))),
                dynamicTest("magnitudes from 2^-12 to 2^12, packed and unpacked", () -> {
                    checkShape(new GemmShape(7, 33, 257), true, 12);
                    checkShape(new GemmShape(7, 33, 257), false, 12);
                }),
                dynamicTest("a packed B reused across calls of different M", this::reusesPackedB),
                dynamicTest("packing copies B", this::packingCopies));
    }

    private void checkShape(GemmShape shape, boolean packedB, int range) {
        Random random = new Random(seed ^ shape.toString().hashCode() ^ (packedB ? 1 : 2) ^ range);
        FloatMatrix a = FloatMatrix.random(random, shape.m(), shape.k(), range);
        FloatMatrix b = FloatMatrix.random(random, shape.k(), shape.n(), range);
        PackedMatrix packed = packedB ? kernel.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n()) : null;
        PackedMatrix reference = packedB ? oracle.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n()) : null;
        for (boolean accumulate : new boolean[] {false, true}) {
            String context = shape + (packedB ? " packed" : " unpacked") + (accumulate ? ", C += A x B" : ", C = A x B")
                    + " (A " + a.layout() + ", B " + b.layout() + ")";
            assertProduct(shape, a, b, packed, reference, accumulate, MatrixLayout.random(random, shape.m(), shape.n()),
                    random, context);
        }
    }

    private void reusesPackedB() {
        Random random = new Random(seed ^ 0xB);
        int n = 37;
        int k = 71;
        FloatMatrix b = FloatMatrix.random(random, k, n, 0);
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), k, n);
        PackedMatrix reference = oracle.pack(b.values(), b.offset(), b.ld(), k, n);
        for (int round = 0; round < 2; round++) {
            for (int m : new int[] {1, 9, 4, 1, 33}) {
                GemmShape shape = new GemmShape(m, n, k);
                FloatMatrix a = FloatMatrix.random(random, m, k, 0);
                assertProduct(shape, a, b, packed, reference, round == 1, MatrixLayout.random(random, m, n), random,
                        "call with M = " + m + " in round " + round);
            }
        }
    }

    /** The engine packs from arrays it may reuse; a packed matrix is a constant. */
    private void packingCopies() {
        Random random = new Random(seed ^ 0xC0);
        GemmShape shape = new GemmShape(3, 21, 45);
        FloatMatrix b = FloatMatrix.random(random, shape.k(), shape.n(), 0);
        FloatMatrix original = new FloatMatrix(b.values().clone(), b.layout());
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n());
        PackedMatrix reference = oracle.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n());
        Arrays.fill(b.values(), 3f);
        FloatMatrix a = FloatMatrix.random(random, shape.m(), shape.k(), 0);
        assertProduct(shape, a, original, packed, reference, false, MatrixLayout.random(random, shape.m(), shape.n()),
                random, "after the array B was packed from was overwritten");
    }

    /**
     * One product by the backend and by the scalar backend from the same C, each compared with the
     * double-precision reference; the backend's also with the scalar backend's. With a packed B
     * ({@code packed} not null) {@code b} is only the reference's source.
     */
    private void assertProduct(GemmShape shape, FloatMatrix a, FloatMatrix b, PackedMatrix packed,
                               PackedMatrix reference, boolean accumulate, MatrixLayout c, Random random,
                               String context) {
        float[] before = new float[c.arrayLength()];
        Arrays.fill(before, C_PADDING);
        for (int i = 0; i < shape.m(); i++) {
            for (int j = 0; j < shape.n(); j++) {
                before[c.index(i, j)] = accumulate ? random.nextFloat() * 2 - 1 : Float.NaN;
            }
        }
        float[] aBefore = a.values().clone();
        float[] bBefore = b.values().clone();
        float[] expected = before.clone();
        float[] actual = before.clone();
        if (packed == null) {
            oracle.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), b.values(), b.offset(), b.ld(),
                    expected, c.offset(), c.ld(), accumulate);
            kernel.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), b.values(), b.offset(), b.ld(),
                    actual, c.offset(), c.ld(), accumulate);
        } else {
            oracle.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), reference, expected,
                    c.offset(), c.ld(), accumulate);
            kernel.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), packed, actual, c.offset(),
                    c.ld(), accumulate);
        }
        if (!Arrays.equals(aBefore, a.values()) || !Arrays.equals(bBefore, b.values())) {
            throw new AssertionError(context + ": gemm wrote into A or B");
        }
        double[] exact = new double[before.length];
        double[] bound = new double[before.length];
        for (int i = 0; i < shape.m(); i++) {
            for (int j = 0; j < shape.n(); j++) {
                double old = accumulate ? before[c.index(i, j)] : 0;
                double sum = old;
                double magnitude = Math.abs(old);
                for (int p = 0; p < shape.k(); p++) {
                    double product = (double) a.at(i, p) * b.at(p, j);
                    sum += product;
                    magnitude += Math.abs(product);
                }
                exact[c.index(i, j)] = sum;
                bound[c.index(i, j)] = FloatTolerance.bound(magnitude);
            }
        }
        OutputComparison.assertWithin(exact, bound, before, expected, c, "the double-precision reference",
                "the scalar backend itself, " + context);
        OutputComparison.assertWithin(exact, bound, before, actual, c, "the double-precision reference", context);
        double[] scalar = new double[expected.length];
        for (int index = 0; index < expected.length; index++) {
            scalar[index] = expected[index];
        }
        OutputComparison.assertWithin(scalar, bound, before, actual, c, "the scalar backend", context);
    }
}
