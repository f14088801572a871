package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.Int4PanelMatrix.GROUP;

/**
 * Rows of A quantized to int8 per block of K exactly as {@link io.quantedge.api.kernel.BlockwiseInt4Int8Kernel}
 * defines, laid out for {@link Int4PanelDots}, in arrays that grow to the largest shape seen and
 * are reused (one instance per thread, in {@link Int4Int8Workspace}). Each row is quantized once and
 * then shared by every column.
 *
 * <p>Row r's levels come as pairs: for group g of eight K values and s from 0 to 3,
 * {@code pairs[r * rowPairs + 4g + s]} holds level {@code 8g + s} in its low 16 bits and level
 * {@code 8g + s + 4} in its high 16 bits, the two K positions nibble s of each half of a weight int
 * stands for (see {@link Int4PanelMatrix}); broadcast to every int lane, it multiplies both in one
 * short-lane product. Levels past K are 0. Per row and block: the scale, and the sum of the levels,
 * which a zero point z turns into the correction {@code - z * sum}.
 */
final class QuantizedRows {

    /** Pairs per group of eight K values. */
    static final int PAIRS_PER_GROUP = GROUP / 2;
    private static final float LEVEL_LIMIT = 127f;

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
        if (pairs.length < rows * rowPairs) {
            pairs = new int[rows * rowPairs];
        }
        if (scales.length < rows * blocks) {
            scales = new float[rows * blocks];
            levelSums = new int[rows * blocks];
        }
        if (blockLevels.length < blockSize) {
            blockLevels = new int[blockSize];
        }
        for (int r = 0; r < rows; r++) {
            for (int block = 0; block < blocks; block++) {
                int first = block * blockSize;
                quantizeBlock(a, offset + r * lda + first, Math.min(blockSize, k - first), blockSize,
                        r * blocks + block, r * rowPairs + first / 2);
            }
        }
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
        for (int group = 0; group < blockSize; group += GROUP) {
            for (int s = 0; s < PAIRS_PER_GROUP; s++) {
                pairs[pairIndex + group / 2 + s] =
                        blockLevels[group + s] & 0xFFFF | blockLevels[group + s + PAIRS_PER_GROUP] << 16;
            }
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
