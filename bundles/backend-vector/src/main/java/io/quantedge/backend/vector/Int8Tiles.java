package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

/**
 * The int8 micro-kernels. Products of int8 values are summed with float FMAs: A arrives already
 * converted to float, each panel row of B is widened from bytes as it is loaded. This is exact
 * because every operand is an int8 (uint8 is shifted to int8 at packing), so a product is at most
 * 2^14 in magnitude and a run of {@link #CHUNK} of them at most 2^24, below which every integer is a
 * float. Callers cut K into such chunks and add the chunk sums into C in int32 (wrapping, like the
 * contract's accumulator). Floats because the JDK 17 Vector API has no int8 dot product; its FMA
 * runs at full width.
 *
 * <p>The tile kernels leave their sums in a small float buffer and {@link #addTile} moves them into
 * C: vectors handed to a method C2 does not inline get boxed, and on JDK 17 a boxed accumulator
 * can cost the whole loop its registers (a tenth of the speed, measured), so no vector crosses a
 * call here.
 */
final class Int8Tiles {

    static final int PANEL_WIDTH = 2 * LANES;
    static final int TILE_ROWS = 4;
    /** Products per exact float sum: 1024 * 128 * 128 = 2^24. */
    static final int CHUNK = 1024;

    private Int8Tiles() {
    }

    /** Floats one tile needs in the buffer given to the tile kernels. */
    static final int TILE_BUFFER = TILE_ROWS * PANEL_WIDTH;

    /** Sums of A rows i..i+3 (floats, {@code lda} apart) x a chunk of a panel, into {@code tile}, row after row. */
    static void tile4(int kc, float[] a, int aRow, int lda, byte[] b, int bStart, float[] tile) {
        FloatVector c00 = FloatVector.zero(FLOATS);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        int a0 = aRow;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            int bp = bStart + p * PANEL_WIDTH;
            FloatVector b0 = KernelSpecies.widen(b, bp);
            FloatVector b1 = KernelSpecies.widen(b, bp + LANES);
            FloatVector x = FloatVector.broadcast(FLOATS, a[a0 + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(FLOATS, a[a1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(FLOATS, a[a2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(FLOATS, a[a3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, PANEL_WIDTH);
        c11.intoArray(tile, PANEL_WIDTH + LANES);
        c20.intoArray(tile, 2 * PANEL_WIDTH);
        c21.intoArray(tile, 2 * PANEL_WIDTH + LANES);
        c30.intoArray(tile, 3 * PANEL_WIDTH);
        c31.intoArray(tile, 3 * PANEL_WIDTH + LANES);
    }

    /**
     * One row, the matrix-vector case: B is streamed once, so the loop is about keeping loads and
     * widening in flight; p is unrolled by four into separate accumulators (eight chains).
     */
    static void tile1(int kc, float[] a, int aRow, byte[] b, int bStart, float[] tile) {
        FloatVector s00 = FloatVector.zero(FLOATS);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        int p = 0;
        int bp = bStart;
        for (; p + 3 < kc; p += 4, bp += 4 * PANEL_WIDTH) {
            FloatVector x = FloatVector.broadcast(FLOATS, a[aRow + p]);
            s00 = KernelSpecies.widen(b, bp).fma(x, s00);
            s01 = KernelSpecies.widen(b, bp + LANES).fma(x, s01);
            x = FloatVector.broadcast(FLOATS, a[aRow + p + 1]);
            s10 = KernelSpecies.widen(b, bp + PANEL_WIDTH).fma(x, s10);
            s11 = KernelSpecies.widen(b, bp + PANEL_WIDTH + LANES).fma(x, s11);
            x = FloatVector.broadcast(FLOATS, a[aRow + p + 2]);
            s20 = KernelSpecies.widen(b, bp + 2 * PANEL_WIDTH).fma(x, s20);
            s21 = KernelSpecies.widen(b, bp + 2 * PANEL_WIDTH + LANES).fma(x, s21);
            x = FloatVector.broadcast(FLOATS, a[aRow + p + 3]);
            s30 = KernelSpecies.widen(b, bp + 3 * PANEL_WIDTH).fma(x, s30);
            s31 = KernelSpecies.widen(b, bp + 3 * PANEL_WIDTH + LANES).fma(x, s31);
        }
        for (; p < kc; p++, bp += PANEL_WIDTH) {
            FloatVector x = FloatVector.broadcast(FLOATS, a[aRow + p]);
            s00 = KernelSpecies.widen(b, bp).fma(x, s00);
            s01 = KernelSpecies.widen(b, bp + LANES).fma(x, s01);
        }
        // Still exact: the four partial sums together cover at most CHUNK products.
        s00.add(s10).add(s20.add(s30)).intoArray(tile, 0);
        s01.add(s11).add(s21.add(s31)).intoArray(tile, LANES);
    }

    /** C rows (+)= the first {@code rows} rows of a tile's sums, as ints; the first {@code width} columns only. */
    static void addTile(float[] tile, int rows, int[] c, int cRow, int ldc, int width, boolean add) {
        for (int r = 0; r < rows; r++) {
            addTileRow(tile, r * PANEL_WIDTH, c, cRow + r * ldc, width, add);
        }
    }

    private static void addTileRow(float[] tile, int tileRow, int[] c, int cRow, int width, boolean add) {
        IntVector lowInts = KernelSpecies.toInts(FloatVector.fromArray(FLOATS, tile, tileRow));
        IntVector highInts = KernelSpecies.toInts(FloatVector.fromArray(FLOATS, tile, tileRow + LANES));
        if (width == PANEL_WIDTH) {
            if (add) {
                lowInts = lowInts.add(IntVector.fromArray(INTS, c, cRow));
                highInts = highInts.add(IntVector.fromArray(INTS, c, cRow + LANES));
            }
            lowInts.intoArray(c, cRow);
            highInts.intoArray(c, cRow + LANES);
            return;
        }
        VectorMask<Integer> lowLanes = INTS.indexInRange(0, width);
        VectorMask<Integer> highLanes = INTS.indexInRange(LANES, width);
        if (add) {
            lowInts = lowInts.add(IntVector.fromArray(INTS, c, cRow, lowLanes));
            highInts = highInts.add(IntVector.fromArray(INTS, c, cRow + LANES, highLanes));
        }
        lowInts.intoArray(c, cRow, lowLanes);
        highInts.intoArray(c, cRow + LANES, highLanes);
    }
}
