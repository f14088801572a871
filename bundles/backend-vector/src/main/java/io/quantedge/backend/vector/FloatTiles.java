package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The float micro-kernels: a tile of C, 4 rows (or 1) by two vectors of columns, summed over p with
 * one FMA per element of the tile. Four rows by two vectors make eight independent accumulators,
 * which is what two FMA units with four cycles of latency need to stay busy, and still fit the 16
 * registers of AVX2. B is read {@code bStride} floats apart per p: the panel width when packed, the
 * caller's leading dimension when not.
 *
 * <p>The sums go through a small buffer into C ({@link #writeTile}) so that no vector is passed to
 * a method C2 might not inline: a boxed accumulator on JDK 17 slows the whole loop tenfold.
 */
final class FloatTiles {

    static final int PANEL_WIDTH = 2 * LANES;
    static final int TILE_ROWS = 4;
    /** Floats one tile needs in the buffer given to the tile kernels. */
    static final int TILE_BUFFER = TILE_ROWS * PANEL_WIDTH;
    private static final ThreadLocal<float[]> TILE_PER_THREAD = ThreadLocal.withInitial(() -> new float[TILE_BUFFER]);

    private FloatTiles() {
    }

    static float[] tileBufferOfCurrentThread() {
        return TILE_PER_THREAD.get();
    }

    static void tile4(int k, float[] a, int aRow, int lda, float[] b, int bStart, int bStride, float[] tile) {
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
        for (int p = 0; p < k; p++) {
            int bp = bStart + p * bStride;
            FloatVector b0 = FloatVector.fromArray(FLOATS, b, bp);
            FloatVector b1 = FloatVector.fromArray(FLOATS, b, bp + LANES);
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

    /** One row; p is unrolled by two into separate accumulators so consecutive FMAs do not wait on each other. */
    static void tile1(int k, float[] a, int aRow, float[] b, int bStart, int bStride, float[] tile) {
        FloatVector even0 = FloatVector.zero(FLOATS);
        FloatVector even1 = even0;
        FloatVector odd0 = even0;
        FloatVector odd1 = even0;
        int p = 0;
        for (; p + 1 < k; p += 2) {
            int bp = bStart + p * bStride;
            FloatVector x = FloatVector.broadcast(FLOATS, a[aRow + p]);
            even0 = FloatVector.fromArray(FLOATS, b, bp).fma(x, even0);
            even1 = FloatVector.fromArray(FLOATS, b, bp + LANES).fma(x, even1);
            bp += bStride;
            FloatVector y = FloatVector.broadcast(FLOATS, a[aRow + p + 1]);
            odd0 = FloatVector.fromArray(FLOATS, b, bp).fma(y, odd0);
            odd1 = FloatVector.fromArray(FLOATS, b, bp + LANES).fma(y, odd1);
        }
        if (p < k) {
            int bp = bStart + p * bStride;
            FloatVector x = FloatVector.broadcast(FLOATS, a[aRow + p]);
            even0 = FloatVector.fromArray(FLOATS, b, bp).fma(x, even0);
            even1 = FloatVector.fromArray(FLOATS, b, bp + LANES).fma(x, even1);
        }
        even0.add(odd0).intoArray(tile, 0);
        even1.add(odd1).intoArray(tile, LANES);
    }

    /** C rows (+)= the first {@code rows} rows of a tile's sums; the first {@code width} columns only. */
    static void writeTile(float[] tile, int rows, float[] c, int cRow, int ldc, int width, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            writeTileRow(tile, r * PANEL_WIDTH, c, cRow + r * ldc, width, accumulate);
        }
    }

    /** Only a last, partial panel needs masks. */
    private static void writeTileRow(float[] tile, int tileRow, float[] c, int cRow, int width, boolean accumulate) {
        FloatVector low = FloatVector.fromArray(FLOATS, tile, tileRow);
        FloatVector high = FloatVector.fromArray(FLOATS, tile, tileRow + LANES);
        if (width == PANEL_WIDTH) {
            if (accumulate) {
                low = low.add(FloatVector.fromArray(FLOATS, c, cRow));
                high = high.add(FloatVector.fromArray(FLOATS, c, cRow + LANES));
            }
            low.intoArray(c, cRow);
            high.intoArray(c, cRow + LANES);
            return;
        }
        VectorMask<Float> lowLanes = FLOATS.indexInRange(0, width);
        VectorMask<Float> highLanes = FLOATS.indexInRange(LANES, width);
        if (accumulate) {
            low = low.add(FloatVector.fromArray(FLOATS, c, cRow, lowLanes));
            high = high.add(FloatVector.fromArray(FLOATS, c, cRow + LANES, highLanes));
        }
        low.intoArray(c, cRow, lowLanes);
        high.intoArray(c, cRow + LANES, highLanes);
    }
}
