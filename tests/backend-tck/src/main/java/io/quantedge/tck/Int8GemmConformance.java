package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Integer products, bit-exact against the scalar backend for each signedness the backend
 * declares: the shape sweep, extreme values with extreme zero points, int32 wraparound, and a
 * packed B used many times.
 */
final class Int8GemmConformance {

    /** What the kit writes into C before a call: it must survive outside the matrix. */
    private static final int C_PADDING = 0x5EED_C0DE;

    private final Int8GemmKernel kernel;
    private final Int8GemmKernel oracle;
    private final long seed;

    Int8GemmConformance(Int8GemmKernel kernel, Int8GemmKernel oracle, long seed) {
        this.kernel = kernel;
        this.oracle = oracle;
        this.seed = seed;
    }

    Stream<DynamicNode> tests(List<IntegerSignedness> declared) {
        return declared.stream().map(types -> dynamicContainer(types.toString(), Stream.of(
                dynamicContainer("shapes", shapes(types)),
                dynamicContainer("extreme values and zero points", extremes(types)),
                dynamicTest("int32 accumulators wrap around, K = 70000", () -> wrapsAround(types)),
                dynamicTest("a packed B reused across calls of different M", () -> reusesPackedB(types)),
                dynamicTest("packing copies B and its zero points", () -> packingCopies(types)))));
    }

    private Stream<DynamicNode> shapes(IntegerSignedness types) {
        List<GemmShape> shapes = GemmShape.sweep(seed);
        List<DynamicNode> tests = new ArrayList<>();
        for (int index = 0; index < shapes.size(); index++) {
            GemmShape shape = shapes.get(index);
            // Rotate the zero-point cases through the sweep: random, A's at either end; B's per tensor or per column.
            int aZeroCase = index % 3;
            boolean perColumn = index % 2 == 1;
            String name = shape + ", A zero point " + new String[] {"random", "low end", "high end"}[aZeroCase] + ", B "
                    + (perColumn ? "per-column" : "per-tensor") + " zero points";
            tests.add(dynamicTest(name, () -> {
                Random random = new Random(seed ^ name.hashCode() ^ types.hashCode());
                Int8Matrix a = Int8Matrix.random(random, shape.m(), shape.k(), types.aSigned());
                Int8Matrix b = Int8Matrix.random(random, shape.k(), shape.n(), types.bSigned());
                int aZero = switch (aZeroCase) {
                    case 0 -> IntegerSignedness.randomValue(random, types.aSigned());
                    case 1 -> IntegerSignedness.low(types.aSigned());
                    default -> IntegerSignedness.high(types.aSigned());
                };
                int[] bZeros = new int[perColumn ? Math.max(shape.n(), 1) : 1];
                for (int j = 0; j < bZeros.length; j++) {
                    bZeros[j] = j % 5 == 1 ? IntegerSignedness.high(types.bSigned())
                            : j % 5 == 3 ? IntegerSignedness.low(types.bSigned())
                            : IntegerSignedness.randomValue(random, types.bSigned());
                }
                assertMatchesOracle(shape, a, aZero, b, bZeros, MatrixLayout.random(random, shape.m(), shape.n()),
                        types + " " + name);
            }));
        }
        return tests.stream();
    }

    /**
     * Constant operands at the ends of their ranges, with zero points at the ends: the products
     * of +-255 x +-255 that overflow int16 pair sums (the classic pmaddubsw trap) and the
     * zero-point corrections of row/column-sum kernels.
     */
    private Stream<DynamicNode> extremes(IntegerSignedness types) {
        List<DynamicNode> tests = new ArrayList<>();
        for (int aValue : IntegerSignedness.ends(types.aSigned())) {
            for (int bValue : IntegerSignedness.ends(types.bSigned())) {
                String name = "A = " + aValue + ", B = " + bValue;
                tests.add(dynamicTest(name, () -> {
                    Random random = new Random(seed ^ name.hashCode());
                    GemmShape shape = new GemmShape(3, 19, 67);
                    for (int aZero : IntegerSignedness.ends(types.aSigned())) {
                        for (int bZero : IntegerSignedness.ends(types.bSigned())) {
                            Int8Matrix a = Int8Matrix.constant(random, shape.m(), shape.k(), aValue, types.aSigned());
                            Int8Matrix b = Int8Matrix.constant(random, shape.k(), shape.n(), bValue, types.bSigned());
                            int[] bZeros = new int[shape.n()];
                            Arrays.fill(bZeros, bZero);
                            bZeros[1] = bZero == IntegerSignedness.high(types.bSigned()) ? IntegerSignedness.low(types.bSigned())
                                    : IntegerSignedness.high(types.bSigned());
                            assertMatchesOracle(shape, a, aZero, b, new int[] {bZero},
                                    MatrixLayout.random(random, shape.m(), shape.n()),
                                    types + " " + name + ", zero points A " + aZero + ", B " + bZero);
                            assertMatchesOracle(shape, a, aZero, b, bZeros, MatrixLayout.random(random, shape.m(),
                                    shape.n()), types + " " + name + ", zero points A " + aZero + ", B per column");
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    private void wrapsAround(IntegerSignedness types) {
        Random random = new Random(seed ^ 70_000);
        // (low - high) x (high - low) = -255 x 255 per product: 70000 of them pass -2^31.
        GemmShape shape = new GemmShape(2, 9, 70_000);
        Int8Matrix a = Int8Matrix.constant(random, shape.m(), shape.k(), IntegerSignedness.low(types.aSigned()),
                types.aSigned());
        Int8Matrix b = Int8Matrix.constant(random, shape.k(), shape.n(), IntegerSignedness.high(types.bSigned()),
                types.bSigned());
        int[] bZeros = new int[shape.n()];
        Arrays.fill(bZeros, IntegerSignedness.low(types.bSigned()));
        bZeros[4] = IntegerSignedness.high(types.bSigned());
        assertMatchesOracle(shape, a, IntegerSignedness.high(types.aSigned()), b, bZeros,
                MatrixLayout.random(random, shape.m(), shape.n()), types + " most negative products, " + shape);

        GemmShape randomShape = new GemmShape(3, 5, 40_000);
        assertMatchesOracle(randomShape, Int8Matrix.random(random, 3, 40_000, types.aSigned()),
                IntegerSignedness.randomValue(random, types.aSigned()),
                Int8Matrix.random(random, 40_000, 5, types.bSigned()), new int[] {IntegerSignedness.low(types.bSigned())},
                MatrixLayout.random(random, 3, 5), types + " random values, " + randomShape);
    }

    private void reusesPackedB(IntegerSignedness types) {
        Random random = new Random(seed ^ 0xB);
        int n = 37;
        int k = 71;
        Int8Matrix b = Int8Matrix.random(random, k, n, types.bSigned());
        int[] bZeros = new int[n];
        for (int j = 0; j < n; j++) {
            bZeros[j] = IntegerSignedness.randomValue(random, types.bSigned());
        }
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), k, n, types.bSigned(), bZeros);
        PackedMatrix reference = oracle.pack(b.values(), b.offset(), b.ld(), k, n, types.bSigned(), bZeros);
        for (int round = 0; round < 2; round++) {
            for (int m : new int[] {1, 9, 4, 1, 33}) {
                GemmShape shape = new GemmShape(m, n, k);
                Int8Matrix a = Int8Matrix.random(random, m, k, types.aSigned());
                int aZero = IntegerSignedness.randomValue(random, types.aSigned());
                assertSameProduct(shape, a, aZero, packed, reference, MatrixLayout.random(random, m, n),
                        types + " call with M = " + m + " in round " + round);
            }
        }
    }

    /**
     * The engine packs from buffers it reuses, and a packed matrix is a constant: overwriting what
     * was packed from must not change later products.
     */
    private void packingCopies(IntegerSignedness types) {
        Random random = new Random(seed ^ 0xC0);
        GemmShape shape = new GemmShape(3, 21, 45);
        Int8Matrix b = Int8Matrix.random(random, shape.k(), shape.n(), types.bSigned());
        int[] bZeros = new int[shape.n()];
        for (int j = 0; j < bZeros.length; j++) {
            bZeros[j] = IntegerSignedness.randomValue(random, types.bSigned());
        }
        PackedMatrix reference = oracle.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n(), types.bSigned(),
                bZeros);
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n(), types.bSigned(),
                bZeros);
        random.nextBytes(b.values());
        Arrays.fill(bZeros, IntegerSignedness.low(types.bSigned()));
        Int8Matrix a = Int8Matrix.random(random, shape.m(), shape.k(), types.aSigned());
        assertSameProduct(shape, a, 0, packed, reference, MatrixLayout.random(random, shape.m(), shape.n()),
                types + " after the packed arrays were overwritten");
    }

    private void assertMatchesOracle(GemmShape shape, Int8Matrix a, int aZero, Int8Matrix b, int[] bZeros,
                                     MatrixLayout c, String context) {
        byte[] bBefore = b.values().clone();
        int[] zerosBefore = bZeros.clone();
        PackedMatrix reference = oracle.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n(), b.signed(), bZeros);
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), shape.k(), shape.n(), b.signed(), bZeros);
        assertArrayEquals(bBefore, b.values(), context + ": pack wrote into B");
        assertArrayEquals(zerosBefore, bZeros, context + ": pack wrote into the zero points");
        assertSameProduct(shape, a, aZero, packed, reference, c, context + " (A " + a.layout() + ", B " + b.layout()
                + ")");
    }

    private void assertSameProduct(GemmShape shape, Int8Matrix a, int aZero, PackedMatrix packed,
                                   PackedMatrix reference, MatrixLayout c, String context) {
        byte[] aBefore = a.values().clone();
        int[] expected = new int[c.arrayLength()];
        Arrays.fill(expected, C_PADDING);
        int[] actual = expected.clone();
        oracle.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), a.signed(), aZero, reference,
                expected, c.offset(), c.ld());
        kernel.gemm(shape.m(), shape.n(), shape.k(), a.values(), a.offset(), a.ld(), a.signed(), aZero, packed,
                actual, c.offset(), c.ld());
        assertArrayEquals(aBefore, a.values(), context + ": gemm wrote into A");
        OutputComparison.assertSameInts(expected, actual, c, context);
    }
}
