package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.Int4PanelMatrix.DEFAULT_ZERO_POINT;
import static io.quantedge.backend.vector.Int4PanelMatrix.GROUP;
import static io.quantedge.backend.vector.KernelSpecies.BYTES;
import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;
import static io.quantedge.backend.vector.QuantizedRows.PAIRS_PER_GROUP;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row of int8 activations against one panel of 4-bit weights ({@link QuantizedRows} x
 * {@link Int4PanelMatrix}): {@link KernelSpecies#LANES} outputs at once, lane l for column l of
 * the panel, with no reduction across lanes. Two passes over the row's blocks:
 *
 * <p>{@link #blockSums}, in integers. Per group of eight K values, the weight int shifted right by
 * 4s and masked holds values 2s and 2s + 1 of its column in its two 16-bit halves; times the
 * broadcast pair s (as shorts) that is two products per column in one 16-bit multiply. The
 * products of up to {@link #GROUPS_PER_SHORT_SUM} groups are added as shorts (16 products of at
 * most 15 x 127 in a lane, 30480 at most, which int16 holds exactly), then each int lane's two
 * shorts are added as an int32, sign-extended by shifts: the block's exact sum of q * level.
 *
 * <p>{@link #addBlocks}, in floats: the zero point comes off as {@code zero * (sum of the block's
 * levels)}, and each block enters the column's sum as {@code (wScale * aScale) * dot}, blocks in
 * increasing order.
 *
 * <p>Two passes because C2 stops inlining Vector API calls once a method's parse grows past a
 * node budget, roughly forty calls here: a single loop holding both left some calls out, and each
 * vector that crosses a call C2 does not inline is boxed (GEMV 4096 x 4096 ran at 12 to 18 GOP/s
 * that way, against 50). For the same reason the loops are written as loops, not unrolled calls;
 * the innermost has a constant trip count, so C2 unrolls it once the calls are instructions.
 */
final class Int4PanelDots {

    /** Groups whose products a short lane can sum without overflow: 4 x 4 products of 15 x 127. */
    private static final int GROUPS_PER_SHORT_SUM = 4;
    /** Groups per step of the innermost loop: blocks of 16 have only two. */
    private static final int GROUPS_PER_STEP = 2;
    /** Values 2s and 2s + 1 of a group, one per 16-bit half, once shifted down by 4s. */
    private static final int TWO_NIBBLES = 0x000F000F;
    private static final VectorSpecies<Short> SHORTS = INTS.withLanes(short.class);

    private Int4PanelDots() {
    }

    /** C values of {@code row} for the columns of {@code panel}, all LANES of them, into {@code out}. */
    static void dot(Int4PanelMatrix weights, int panel, QuantizedRows activations, int row, int[] blockDots,
                    float[] out, int outOffset) {
        blockSums(weights, panel, activations, row, blockDots);
        addBlocks(weights, panel, activations, row, blockDots, out, outOffset);
    }

    /** Per block and column, the exact int32 sum of q * level (zero point not yet applied), LANES apart. */
    private static void blockSums(Int4PanelMatrix weights, int panel, QuantizedRows activations, int row,
                                  int[] blockDots) {
        int[] nibbles = weights.nibbles();
        int[] pairs = activations.pairs();
        int blocks = weights.blocks();
        int groupsPerBlock = weights.blockSize() / GROUP;
        int stepsPerShortSum = Math.min(GROUPS_PER_SHORT_SUM, groupsPerBlock) / GROUPS_PER_STEP;
        int shortSumsPerBlock = groupsPerBlock / (stepsPerShortSum * GROUPS_PER_STEP);
        int nibbleIndex = panel * weights.groups() * LANES;
        int pairIndex = row * activations.rowPairs();
        IntVector twoNibbles = IntVector.broadcast(INTS, TWO_NIBBLES);
        for (int block = 0; block < blocks; block++) {
            IntVector dot = IntVector.zero(INTS);
            for (int shortSum = 0; shortSum < shortSumsPerBlock; shortSum++) {
                ShortVector products = ShortVector.zero(SHORTS);
                for (int step = 0; step < stepsPerShortSum; step++) {
                    for (int g = 0; g < GROUPS_PER_STEP; g++) {
                        products = products.add(groupProducts(nibbles, nibbleIndex, pairs, pairIndex, twoNibbles));
                        nibbleIndex += LANES;
                        pairIndex += PAIRS_PER_GROUP;
                    }
                }
                dot = dot.add(shortPairSums(products));
            }
            dot.intoArray(blockDots, block * LANES);
        }
    }

    /** One group's eight products per column, as shorts each holding the sum of four of them. */
    private static ShortVector groupProducts(int[] nibbles, int index, int[] pairs, int pairIndex,
                                             IntVector twoNibbles) {
        // Shifted as ints: C2 gives int lanes an immediate shift, short lanes a count register (two micro-ops).
        IntVector q = IntVector.fromArray(INTS, nibbles, index);
        ShortVector first = q.and(twoNibbles).reinterpretAsShorts().mul(pair(pairs[pairIndex]));
        ShortVector second = q.lanewise(VectorOperators.LSHR, 4).and(twoNibbles).reinterpretAsShorts()
                .mul(pair(pairs[pairIndex + 1]));
        ShortVector third = q.lanewise(VectorOperators.LSHR, 8).and(twoNibbles).reinterpretAsShorts()
                .mul(pair(pairs[pairIndex + 2]));
        ShortVector fourth = q.lanewise(VectorOperators.LSHR, 12).and(twoNibbles).reinterpretAsShorts()
                .mul(pair(pairs[pairIndex + 3]));
        return first.add(second).add(third.add(fourth));
    }

    private static ShortVector pair(int levels) {
        return IntVector.broadcast(INTS, levels).reinterpretAsShorts();
    }

    /** Each int lane's two shorts added as one int32: low half sign-extended by two shifts, high by one. */
    private static IntVector shortPairSums(ShortVector sums) {
        IntVector both = sums.reinterpretAsInts();
        return both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(both.lanewise(VectorOperators.ASHR, 16));
    }

    /** The row's C values for the panel: sum over blocks of (wScale * aScale) * (dot - zero * levelSum). */
    private static void addBlocks(Int4PanelMatrix weights, int panel, QuantizedRows activations, int row,
                                  int[] blockDots, float[] out, int outOffset) {
        float[] scales = weights.scales();
        byte[] zeroPoints = weights.zeroPoints();
        float[] rowScales = activations.scales();
        int[] levelSums = activations.levelSums();
        int blocks = weights.blocks();
        int scaleIndex = panel * blocks * LANES;
        int rowBlock = row * blocks;
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < blocks; block++, scaleIndex += LANES) {
            IntVector dot = IntVector.fromArray(INTS, blockDots, block * LANES);
            int levelSum = levelSums[rowBlock + block];
            dot = zeroPoints == null ? dot.sub(DEFAULT_ZERO_POINT * levelSum)
                    : dot.sub(zeroPointsAt(zeroPoints, scaleIndex).mul(levelSum));
            sum = FloatVector.fromArray(FLOATS, scales, scaleIndex).mul(rowScales[rowBlock + block])
                    .fma((FloatVector) dot.convert(VectorOperators.I2F, 0), sum);
        }
        sum.intoArray(out, outOffset);
    }

    private static IntVector zeroPointsAt(byte[] zeroPoints, int index) {
        return (IntVector) ByteVector.fromArray(BYTES, zeroPoints, index).convertShape(VectorOperators.B2I, INTS, 0);
    }
}
