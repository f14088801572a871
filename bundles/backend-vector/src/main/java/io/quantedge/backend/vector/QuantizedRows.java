package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.Int4PanelMatrix.GROUP;
import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of A quantized to int8 per block of K exactly as {@link io.quantedge.api.kernel.BlockwiseInt4Int8Kernel}
 * defines, laid out for {@link Int4PanelDots}, in arrays that grow to the largest shape seen and
 * are reused (one instance per thread, in {@link Int4Int8Workspace}). Each row is quantized once and
 * then shared by every column.
 *
 * <p>Row r's levels come in pairs of neighbours: {@code pairs[r * rowPairs + p / 2]} holds level p
 * (p even) in its low 16 bits and level p + 1 in its high 16 bits, the two K positions a nibble
 * of each half of a weight int stands for (see {@link Int4PanelMatrix}); broadcast to every int
 * lane, it multiplies both in one short-lane product. Levels past K are 0. Per row and block: the
 * scale, and the sum of the levels, which a zero point z turns into the correction {@code - z * sum}.
 *
 * <p>Whole blocks are quantized with vectors, the last partial block and any block whose inverse
 * scale overflows with the scalar definition itself; both give the same bits (see
 * {@link #quantizeWholeBlock}).
 */
final class QuantizedRows {

    /** Pairs per group of eight K values. */
    static final int PAIRS_PER_GROUP = GROUP / 2;
    private static final float LEVEL_LIMIT = 127f;
    /**
     * 1.5 * 2^23: added to a float x of magnitude below 2^22 it leaves a sum in [2^23, 2^24), whose
     * unit in the last place is 1, so the addition rounds x to an integer n, half to even, as rint
     * does; and the sum's bits are then {@link #ROUNDING_OFFSET_BITS} + n.
     */
    private static final float ROUNDING_OFFSET = 0x1.8p23f;
    private static final int ROUNDING_OFFSET_BITS = Float.floatToRawIntBits(ROUNDING_OFFSET);
    private static final int LEVEL_MAX = 127;
    /** Shorts of the same vector size as the ints, for narrowing levels into pairs. */
    private static final VectorSpecies<Short> LEVEL_SHORTS = INTS.withLanes(short.class);

    private int[] pairs = new int[0];
    private float[] scales = new float[0];
    private int[] levelSums = new int[0];
    private int[] blockLevels = new int[0];
    private int rowPairs;
    private int blocks;

    /** Quantizes {@code rows} rows of K values, {@code lda} apart from {@code offset}, replacing the previous rows. */
    void quantize(float[] a, int offset, int lda, int rows, int k, int blockSize) {
        blocks = (k + blockSize - 1) / blockSize;
        rowPairs = blocks * blockSize / 2;
        if (pairs.length < rows * rowPairs + LANES) {
            // LANES more: the vector path stores whole vectors, half of them past the pairs it writes.
            pairs = new int[rows * rowPairs + LANES];
        }
        if (scales.length < rows * blocks) {
            scales = new float[rows * blocks];
            levelSums = new int[rows * blocks];
        }
        if (blockLevels.length < blockSize) {
            blockLevels = new int[blockSize];
        }
        boolean wholeBlocksInVectors = blockSize % LANES == 0;
        for (int r = 0; r < rows; r++) {
            for (int block = 0; block < blocks; block++) {
                int first = block * blockSize;
                int start = offset + r * lda + first;
                int length = Math.min(blockSize, k - first);
                int blockIndex = r * blocks + block;
                int pairIndex = r * rowPairs + first / 2;
                if (!(wholeBlocksInVectors && length == blockSize
                        && quantizeWholeBlock(a, start, blockSize, blockIndex, pairIndex))) {
                    quantizeBlock(a, start, length, blockSize, blockIndex, pairIndex);
                }
            }
        }
    }

    /**
     * The definition in vectors, for a whole block; false, with nothing written, if 1 / scale
     * overflows (a block whose largest magnitude is subnormal), where 0 * infinity would need the
     * scalar code's handling of NaN. Otherwise every product {@code A * (1 / scale)} is the same
     * float as in scalar code, at most about 127 in magnitude, so the rounding offset gives rint's
     * integer exactly, and clamping that integer is clamping rint's result.
     */
    private boolean quantizeWholeBlock(float[] a, int start, int blockSize, int blockIndex, int pairIndex) {
        FloatVector magnitudes = FloatVector.zero(FLOATS);
        for (int p = 0; p < blockSize; p += LANES) {
            magnitudes = magnitudes.max(FloatVector.fromArray(FLOATS, a, start + p).abs());
        }
        // The largest of the lanes does not depend on the order they are compared in, unlike a sum.
        float scale = magnitudes.reduceLanes(VectorOperators.MAX) / LEVEL_LIMIT;
        float inverse = scale == 0f ? 0f : 1f / scale;
        if (Float.isInfinite(inverse)) {
            return false;
        }
        IntVector sums = IntVector.zero(INTS);
        for (int p = 0; p < blockSize; p += LANES) {
            // Read off the bits rather than converted: JDK 17 does not compile a vector float-to-int conversion.
            IntVector levels = FloatVector.fromArray(FLOATS, a, start + p).mul(inverse).add(ROUNDING_OFFSET)
                    .reinterpretAsInts().sub(ROUNDING_OFFSET_BITS).max(-LEVEL_MAX).min(LEVEL_MAX);
            sums = sums.add(levels);
            // Narrowed to shorts, neighbouring levels share an int: the pair layout, in the low half of
            // the vector. The high half (zeros) lands where the next store, or the next block, writes.
            // Same-size species throughout: on JDK 17 a store of a narrower int vector was not intrinsified.
            ((ShortVector) levels.convertShape(VectorOperators.I2S, LEVEL_SHORTS, 0)).reinterpretAsInts()
                    .intoArray(pairs, pairIndex + p / 2);
        }
        scales[blockIndex] = scale;
        levelSums[blockIndex] = sums.reduceLanes(VectorOperators.ADD);
        return true;
    }

    /** As the contract reads: scale amax / 127, level clamp(rint(A * (1 / scale)), -127, 127), 0 for a zero block. */
    private void quantizeBlock(float[] a, int start, int length, int blockSize, int blockIndex, int pairIndex) {
        float amax = 0f;
        for (int p = 0; p < length; p++) {
            amax = Math.max(amax, Math.abs(a[start + p]));
        }
        float scale = amax / LEVEL_LIMIT;
        float inverse = scale == 0f ? 0f : 1f / scale;
        int sum = 0;
        for (int p = 0; p < length; p++) {
            float level = (float) Math.rint(a[start + p] * inverse);
            blockLevels[p] = (int) Math.max(-LEVEL_LIMIT, Math.min(LEVEL_LIMIT, level));
            sum += blockLevels[p];
        }
        for (int p = length; p < blockSize; p++) {
            blockLevels[p] = 0;
        }
        scales[blockIndex] = scale;
        levelSums[blockIndex] = sum;
        for (int p = 0; p < blockSize; p += 2) {
            pairs[pairIndex + p / 2] = blockLevels[p] & 0xFFFF | blockLevels[p + 1] << 16;
        }
    }

    int[] pairs() {
        return pairs;
    }

    /** Pairs per row: K padded to whole blocks, over two. */
    int rowPairs() {
        return rowPairs;
    }

    /** Row r's block b is at {@code r * blocks() + b} in {@link #scales()} and {@link #levelSums()}. */
    int blocks() {
        return blocks;
    }

    float[] scales() {
        return scales;
    }

    int[] levelSums() {
        return levelSums;
    }
}
