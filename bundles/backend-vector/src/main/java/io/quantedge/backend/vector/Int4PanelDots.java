package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.Int4PanelMatrix.DEFAULT_ZERO_POINT;
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

/**
 * One row of int8 activations against one panel of 4-bit weights ({@link QuantizedRows} x
 * {@link Int4PanelMatrix}): {@link KernelSpecies#LANES} outputs at once, lane l for column l of
 * the panel, with no reduction across lanes.
 *
 * <p>Per group of eight K values, the weight ints are seen as shorts: nibble s of every short
 * (a shift and a mask) times the broadcast pair s multiplies two K positions per column in one
 * 16-bit product. The four products of a group are added as shorts, and so are up to
 * {@link #GROUPS_PER_SHORT_SUM} groups: 16 products of at most 15 x 127 each, 30480 at most,
 * which int16 holds exactly. Each int lane's two shorts are then added as an int32 (sign-extended
 * by shifts), giving the block's exact dot product of q and the levels; the zero point comes off as
 * {@code zero * (sum of the block's levels)}, and the block enters the column's float sum as
 * {@code (wScale * aScale) * dot}, blocks in increasing order.
 *
 * <p>Everything is inlined into {@link #dot}'s loop, which keeps no vector across a call C2 might
 * not inline (a boxed vector there costs the loop its registers).
 */
final class Int4PanelDots {

    /** Groups whose products a short lane can sum without overflow: 4 x 4 products of 15 x 127. */
    static final int GROUPS_PER_SHORT_SUM = 4;
    private static final short NIBBLE = 0x0F;

    private Int4PanelDots() {
    }

    /** C values of {@code row} for the columns of {@code panel}, all LANES of them, into {@code out}. */
    static void dot(Int4PanelMatrix weights, int panel, QuantizedRows activations, int row, float[] out,
                    int outOffset) {
        int[] nibbles = weights.nibbles();
        float[] scales = weights.scales();
        byte[] zeroPoints = weights.zeroPoints();
        int[] pairs = activations.pairs();
        float[] rowScales = activations.scales();
        int[] levelSums = activations.levelSums();
        int blocks = weights.blocks();
        int groupsPerBlock = weights.blockSize() / Int4PanelMatrix.GROUP;
        int nibbleIndex = panel * weights.groups() * LANES;
        int pairIndex = row * activations.rowPairs();
        int scaleIndex = panel * blocks * LANES;
        int rowBlock = row * blocks;
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < blocks; block++) {
            IntVector dot = blockDot(nibbles, nibbleIndex, pairs, pairIndex, groupsPerBlock);
            int levelSum = levelSums[rowBlock + block];
            dot = zeroPoints == null ? dot.sub(DEFAULT_ZERO_POINT * levelSum)
                    : dot.sub(zeroPointsAt(zeroPoints, scaleIndex).mul(levelSum));
            FloatVector blockScales = FloatVector.fromArray(FLOATS, scales, scaleIndex).mul(rowScales[rowBlock + block]);
            sum = blockScales.fma((FloatVector) dot.convert(VectorOperators.I2F, 0), sum);
            nibbleIndex += groupsPerBlock * LANES;
            pairIndex += groupsPerBlock * PAIRS_PER_GROUP;
            scaleIndex += LANES;
        }
        sum.intoArray(out, outOffset);
    }

    /** Per column, the exact int32 sum of q * level over one block (zero point not yet applied). */
    private static IntVector blockDot(int[] nibbles, int nibbleIndex, int[] pairs, int pairIndex, int groups) {
        if (groups < GROUPS_PER_SHORT_SUM) {
            // Block size 16: two groups.
            return shortPairSums(groupProducts(nibbles, nibbleIndex, pairs, pairIndex)
                    .add(groupProducts(nibbles, nibbleIndex + LANES, pairs, pairIndex + PAIRS_PER_GROUP)));
        }
        IntVector dot = IntVector.zero(INTS);
        for (int g = 0; g < groups; g += GROUPS_PER_SHORT_SUM) {
            int w = nibbleIndex + g * LANES;
            int p = pairIndex + g * PAIRS_PER_GROUP;
            ShortVector products = groupProducts(nibbles, w, pairs, p)
                    .add(groupProducts(nibbles, w + LANES, pairs, p + PAIRS_PER_GROUP))
                    .add(groupProducts(nibbles, w + 2 * LANES, pairs, p + 2 * PAIRS_PER_GROUP)
                            .add(groupProducts(nibbles, w + 3 * LANES, pairs, p + 3 * PAIRS_PER_GROUP)));
            dot = dot.add(shortPairSums(products));
        }
        return dot;
    }

    /** One group's eight products per column, summed in pairs: each short lane holds four of them. */
    private static ShortVector groupProducts(int[] nibbles, int index, int[] pairs, int pairIndex) {
        ShortVector q = IntVector.fromArray(INTS, nibbles, index).reinterpretAsShorts();
        ShortVector first = q.and(NIBBLE).mul(pair(pairs[pairIndex]));
        ShortVector second = q.lanewise(VectorOperators.LSHR, 4).and(NIBBLE).mul(pair(pairs[pairIndex + 1]));
        ShortVector third = q.lanewise(VectorOperators.LSHR, 8).and(NIBBLE).mul(pair(pairs[pairIndex + 2]));
        ShortVector fourth = q.lanewise(VectorOperators.LSHR, 12).mul(pair(pairs[pairIndex + 3]));
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

    private static IntVector zeroPointsAt(byte[] zeroPoints, int index) {
        return (IntVector) ByteVector.fromArray(BYTES, zeroPoints, index).convertShape(VectorOperators.B2I, INTS, 0);
    }
}
