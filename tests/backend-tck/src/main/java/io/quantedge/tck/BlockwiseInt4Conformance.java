package io.quantedge.tck;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.BlockwiseInt4Int8Kernel;
import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * MatMulNBits products within {@link FloatTolerance} of a double-precision reference and of the
 * scalar backend, for block sizes 16 to 128, K not a multiple of the block, with and without zero
 * points, odd N, GEMV and M > 1; and malformed packs refused exactly as the scalar backend refuses
 * them. The tolerance (1e-5 of the magnitude sum of each output's terms) leaves the backend free
 * to sum in any order and to apply each block's scale once to the block's sum instead of to every
 * weight; computing with int8-quantized activations (ONNX Runtime's accuracy level 4) is outside
 * the float contract, which says single precision, and fails.
 *
 * <p>The same sweeps check {@link BlockwiseInt4Int8Kernel} (through {@link Int8Activations}), against
 * a reference that quantizes A as that contract defines, with activations spread over many
 * magnitudes so every block gets its own scale, plus rows built to hit rounding ties and all-zero
 * blocks.
 */
final class BlockwiseInt4Conformance {

    private static final int[] BLOCK_SIZES = {16, 32, 64, 128};
    /** (M, N) pairs rotated through the K sweep: GEMV and small batches, odd and even N. */
    private static final int[][] ROWS_AND_COLUMNS = {{1, 33}, {4, 7}, {1, 1}, {9, 31}, {2, 64}, {1, 17}, {3, 2}};
    private static final float C_PADDING = -7.25f;

    private final BlockwiseInt4Kernel kernel;
    private final BlockwiseInt4Kernel oracle;
    private final long seed;
    private final boolean int8Activations;

    BlockwiseInt4Conformance(BlockwiseInt4Kernel kernel, BlockwiseInt4Kernel oracle, long seed) {
        this(kernel, oracle, seed, false);
    }

    private BlockwiseInt4Conformance(BlockwiseInt4Kernel kernel, BlockwiseInt4Kernel oracle, long seed,
                                     boolean int8Activations) {
        this.kernel = kernel;
        this.oracle = oracle;
        this.seed = seed;
        this.int8Activations = int8Activations;
    }

    static BlockwiseInt4Conformance int8Activations(BlockwiseInt4Int8Kernel kernel, BlockwiseInt4Int8Kernel oracle,
                                                    long seed) {
        return new BlockwiseInt4Conformance(new Int8Activations(kernel), new Int8Activations(oracle), seed, true);
    }

    Stream<DynamicNode> tests() {
        Stream<DynamicNode> roundingTies = int8Activations
                ? Stream.of(dynamicTest("activation quantization: ties to even, zero blocks, extremes", this::ties))
                : Stream.empty();
        return Stream.concat(roundingTies, Stream.of(
                dynamicContainer("shapes", shapes()),
                dynamicTest("GEMV with K = 4096, block 32, zero points", () -> check(1, 33, 4096, 32, true, 4096)),
                dynamicTest("3 rows, K = 4000, block 128", () -> check(3, 17, 4000, 128, false, 4000)),
                dynamicTest("a packed matrix reused across calls of different M", this::reusesPackedWeights),
                dynamicTest("packing copies the weights", this::packingCopies),
                dynamicContainer("malformed packs are refused like the scalar backend refuses them", malformed())));
    }

    private Stream<DynamicNode> shapes() {
        List<DynamicNode> tests = new ArrayList<>();
        int rotation = 0;
        for (int blockSize : BLOCK_SIZES) {
            for (int k : new int[] {1, blockSize - 1, blockSize, blockSize + 1, 3 * blockSize - 5,
                5 * blockSize + blockSize / 2 + 1}) {
                for (boolean withZeroPoints : new boolean[] {false, true}) {
                    int[] mn = ROWS_AND_COLUMNS[rotation++ % ROWS_AND_COLUMNS.length];
                    String name = mn[0] + "x" + mn[1] + "x" + k + ", block " + blockSize
                            + (withZeroPoints ? ", zero points" : ", default zero point 8");
                    int salt = rotation;
                    tests.add(dynamicTest(name, () -> check(mn[0], mn[1], k, blockSize, withZeroPoints, salt)));
                }
            }
        }
        return tests.stream();
    }

    private void check(int m, int n, int k, int blockSize, boolean withZeroPoints, int salt) {
        Random random = new Random(seed ^ salt * 0x9E3779B97F4A7C15L);
        Int4Weights weights = Int4Weights.random(random, k, n, blockSize, withZeroPoints);
        PackedMatrix packed = pack(kernel, weights);
        PackedMatrix reference = pack(oracle, weights);
        assertProduct(m, FloatMatrix.random(random, m, k, activationSpread()), weights, packed, reference,
                MatrixLayout.random(random, m, n), m + "x" + n + "x" + k + ", " + weights);
    }

    /** Activations over 2^-6 to 2^6 when they are quantized per block, so blocks get different scales. */
    private int activationSpread() {
        return int8Activations ? 6 : 0;
    }

    /**
     * Blocks of 16 whose largest magnitude is 127 (scale 1), so halves are exact ties: 2.5 must give
     * 2 and -3.5 give -4; an all-zero block, a block whose extreme is negative, one tiny block.
     */
    private void ties() {
        Random random = new Random(seed ^ 0x7E);
        int k = 80;
        float[] row = new float[k];
        float[] halves = {2.5f, -3.5f, 0.5f, -0.5f, 1.5f, -126.5f, 125.5f, 64.5f};
        for (int p = 0; p < 16; p++) {
            row[p] = p == 0 ? 127f : halves[p % halves.length];
        }
        for (int p = 32; p < 48; p++) {
            row[p] = p == 40 ? -127f : halves[(p + 3) % halves.length];
        }
        for (int p = 48; p < 64; p++) {
            row[p] = (random.nextFloat() - 0.5f) * 1e-6f;
        }
        for (int p = 64; p < k; p++) {
            row[p] = p == 70 ? -3e4f : random.nextFloat() * 100f;
        }
        MatrixLayout aLayout = MatrixLayout.random(random, 2, k);
        float[] a = new float[aLayout.arrayLength()];
        Arrays.fill(a, Float.NaN);
        for (int p = 0; p < k; p++) {
            a[aLayout.index(0, p)] = row[p];
            a[aLayout.index(1, p)] = -row[p];
        }
        Int4Weights weights = Int4Weights.random(random, k, 5, 16, true);
        assertProduct(2, new FloatMatrix(a, aLayout), weights, pack(kernel, weights), pack(oracle, weights),
                MatrixLayout.random(random, 2, 5), "rounding ties");
    }

    private void reusesPackedWeights() {
        Random random = new Random(seed ^ 0xB);
        Int4Weights weights = Int4Weights.random(random, 100, 37, 32, true);
        PackedMatrix packed = pack(kernel, weights);
        PackedMatrix reference = pack(oracle, weights);
        for (int round = 0; round < 2; round++) {
            for (int m : new int[] {1, 9, 4, 1, 17}) {
                assertProduct(m, FloatMatrix.random(random, m, weights.k(), activationSpread()), weights, packed,
                        reference,
                        MatrixLayout.random(random, m, weights.n()), "call with M = " + m + " in round " + round);
            }
        }
    }

    /** The engine may reuse the arrays it packs from; a packed matrix is a constant. */
    private void packingCopies() {
        Random random = new Random(seed ^ 0xC0);
        Int4Weights weights = Int4Weights.random(random, 70, 9, 16, true);
        Int4Weights original = new Int4Weights(weights.quantized().clone(), weights.scales().clone(),
                weights.zeroPoints().clone(), weights.k(), weights.n(), weights.blockSize());
        PackedMatrix packed = pack(kernel, weights);
        PackedMatrix reference = pack(oracle, weights);
        Arrays.fill(weights.quantized(), (byte) 0x11);
        Arrays.fill(weights.scales(), 100f);
        Arrays.fill(weights.zeroPoints(), (byte) 0);
        assertProduct(3, FloatMatrix.random(random, 3, original.k(), 0), original, packed, reference,
                MatrixLayout.random(random, 3, original.n()), "after the packed arrays were overwritten");
    }

    private Stream<DynamicNode> malformed() {
        // Well formed: K = 40, N = 3, block 32: 2 blocks a column, 96 bytes, 6 scales, 3 zero-point bytes.
        List<Malformed> cases = List.of(
                new Malformed("block size 0", new byte[96], new float[6], null, 40, 3, 0),
                new Malformed("block size -16", new byte[96], new float[6], null, 40, 3, -16),
                new Malformed("block size 8", new byte[96], new float[6], null, 40, 3, 8),
                new Malformed("block size 24", new byte[96], new float[6], null, 40, 3, 24),
                new Malformed("block size 48", new byte[96], new float[6], null, 40, 3, 48),
                new Malformed("too few weight bytes", new byte[60], new float[6], null, 40, 3, 32),
                new Malformed("too many weight bytes", new byte[97], new float[6], null, 40, 3, 32),
                new Malformed("too few scales", new byte[96], new float[3], null, 40, 3, 32),
                new Malformed("too many scales", new byte[96], new float[7], null, 40, 3, 32),
                new Malformed("too few zero-point bytes", new byte[96], new float[6], new byte[2], 40, 3, 32),
                new Malformed("too many zero-point bytes", new byte[96], new float[6], new byte[4], 40, 3, 32),
                new Malformed("K = 0", new byte[0], new float[0], null, 0, 3, 32),
                new Malformed("N = 0", new byte[0], new float[0], null, 40, 0, 32),
                new Malformed("negative K", new byte[96], new float[6], null, -40, 3, 32),
                new Malformed("null weights", null, new float[6], null, 40, 3, 32),
                new Malformed("null scales", new byte[96], null, null, 40, 3, 32));
        return cases.stream().map(malformed -> dynamicTest(malformed.name(), () -> Refusal.assertRefusedAlike(
                () -> malformed.packWith(oracle), () -> malformed.packWith(kernel), malformed.name())));
    }

    private record Malformed(String name, byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n,
                             int blockSize) {

        void packWith(BlockwiseInt4Kernel kernel) {
            kernel.pack(quantized, scales, zeroPoints, k, n, blockSize);
        }
    }

    private static PackedMatrix pack(BlockwiseInt4Kernel kernel, Int4Weights weights) {
        return kernel.pack(weights.quantized(), weights.scales(), weights.zeroPoints(), weights.k(), weights.n(),
                weights.blockSize());
    }

    private void assertProduct(int m, FloatMatrix a, Int4Weights weights, PackedMatrix packed,
                               PackedMatrix reference, MatrixLayout c, String context) {
        int n = weights.n();
        int k = weights.k();
        float[] before = new float[c.arrayLength()];
        Arrays.fill(before, C_PADDING);
        for (int i = 0; i < m; i++) {
            // C's old contents are overwritten, never read: NaN must not come through.
            Arrays.fill(before, c.index(i, 0), c.index(i, 0) + n, Float.NaN);
        }
        float[] aBefore = a.values().clone();
        float[] expected = before.clone();
        float[] actual = before.clone();
        oracle.matmul(m, n, k, a.values(), a.offset(), a.ld(), reference, expected, c.offset(), c.ld());
        kernel.matmul(m, n, k, a.values(), a.offset(), a.ld(), packed, actual, c.offset(), c.ld());
        if (!Arrays.equals(aBefore, a.values())) {
            throw new AssertionError(context + ": matmul wrote into A");
        }
        double[] exact = new double[before.length];
        double[] bound = new double[before.length];
        double[] scalar = new double[before.length];
        for (int i = 0; i < m; i++) {
            QuantizedRow row = int8Activations ? QuantizedRow.of(a, i, k, weights.blockSize()) : null;
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double product = row == null ? (double) a.at(i, p) * weights.weight(j, p)
                            : (double) (weights.scale(j, p) * row.scale(p)) * weights.level(j, p) * row.level(p);
                    sum += product;
                    magnitude += Math.abs(product);
                }
                int index = c.index(i, j);
                exact[index] = sum;
                bound[index] = FloatTolerance.bound(magnitude);
                scalar[index] = expected[index];
            }
        }
        String where = context + " (A " + a.layout() + ", C " + c + ")";
        OutputComparison.assertWithin(exact, bound, before, expected, c, "the double-precision reference",
                "the scalar backend itself, " + where);
        OutputComparison.assertWithin(exact, bound, before, actual, c, "the double-precision reference", where);
        OutputComparison.assertWithin(scalar, bound, before, actual, c, "the scalar backend", where);
    }

    /** One row of A quantized per block as {@link BlockwiseInt4Int8Kernel} defines, spelled out independently. */
    private record QuantizedRow(int[] levels, float[] scales, int blockSize) {

        static QuantizedRow of(FloatMatrix a, int row, int k, int blockSize) {
            int[] levels = new int[k];
            float[] scales = new float[Int4Weights.blocks(k, blockSize)];
            for (int block = 0; block < scales.length; block++) {
                int first = block * blockSize;
                int end = Math.min(k, first + blockSize);
                float amax = 0;
                for (int p = first; p < end; p++) {
                    amax = Math.max(amax, Math.abs(a.at(row, p)));
                }
                float scale = amax / 127f;
                float inverse = scale == 0 ? 0 : 1f / scale;
                scales[block] = scale;
                for (int p = first; p < end; p++) {
                    long level = Math.round(Math.rint(a.at(row, p) * inverse));
                    levels[p] = (int) Math.max(-127, Math.min(127, level));
                }
            }
            return new QuantizedRow(levels, scales, blockSize);
        }

        int level(int p) {
            return levels[p];
        }

        float scale(int p) {
            return scales[p / blockSize];
        }
    }
}
