package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.FloatTiles.PANEL_WIDTH;
import static io.quantedge.backend.vector.FloatTiles.TILE_ROWS;

import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;

/**
 * Float products on FMA tiles (see {@link FloatTiles}). A packed B is read panel by panel, each
 * panel once per four rows of A. An unpacked B (an activation) is read in place, two vectors of
 * columns at a time, with its last columns that do not fill two vectors summed by a scalar loop.
 * Each C element sums its products in increasing p in single precision (two interleaved partial
 * sums for single rows), so results differ from the scalar backend's double-precision sums by
 * ordinary float rounding.
 */
final class VectorFloatGemm implements FloatGemmKernel {

    @Override
    public PackedMatrix pack(float[] b, int offset, int ldb, int k, int n) {
        KernelArguments.requireDimensions(0, n, k);
        KernelArguments.requireInside("B", b.length, offset, ldb, k, n);
        int panels = (n + PANEL_WIDTH - 1) / PANEL_WIDTH;
        float[] values = new float[Math.multiplyExact(Math.multiplyExact(panels, k), PANEL_WIDTH)];
        for (int panel = 0; panel < panels; panel++) {
            int firstColumn = panel * PANEL_WIDTH;
            int width = Math.min(PANEL_WIDTH, n - firstColumn);
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, offset + p * ldb + firstColumn, values, (panel * k + p) * PANEL_WIDTH, width);
            }
        }
        return new FloatPanelMatrix(values, k, n);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix b, float[] c, int cOffset,
                     int ldc, boolean accumulate) {
        if (!(b instanceof FloatPanelMatrix panels)) {
            throw KernelArguments.foreignPacking("B", b, FloatPanelMatrix.class.getSimpleName(), "vector");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("B", panels.rows(), panels.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        float[] values = panels.values();
        float[] tile = FloatTiles.tileBufferOfCurrentThread();
        for (int firstColumn = 0; firstColumn < n; firstColumn += PANEL_WIDTH) {
            int width = Math.min(PANEL_WIDTH, n - firstColumn);
            int panelStart = firstColumn * k;
            int i = 0;
            for (; i + TILE_ROWS <= m; i += TILE_ROWS) {
                FloatTiles.tile4(k, a, aOffset + i * lda, lda, values, panelStart, PANEL_WIDTH, tile);
                FloatTiles.writeTile(tile, TILE_ROWS, c, cOffset + i * ldc + firstColumn, ldc, width, accumulate);
            }
            for (; i < m; i++) {
                FloatTiles.tile1(k, a, aOffset + i * lda, values, panelStart, PANEL_WIDTH, tile);
                FloatTiles.writeTile(tile, 1, c, cOffset + i * ldc + firstColumn, ldc, width, accumulate);
            }
        }
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                     float[] c, int cOffset, int ldc, boolean accumulate) {
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("B", b.length, bOffset, ldb, k, n);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        float[] tile = FloatTiles.tileBufferOfCurrentThread();
        // Whole blocks of two vectors only: a vector read past column n could leave B's array.
        int vectorColumns = n - n % PANEL_WIDTH;
        for (int firstColumn = 0; firstColumn < vectorColumns; firstColumn += PANEL_WIDTH) {
            int i = 0;
            for (; i + TILE_ROWS <= m; i += TILE_ROWS) {
                FloatTiles.tile4(k, a, aOffset + i * lda, lda, b, bOffset + firstColumn, ldb, tile);
                FloatTiles.writeTile(tile, TILE_ROWS, c, cOffset + i * ldc + firstColumn, ldc, PANEL_WIDTH,
                        accumulate);
            }
            for (; i < m; i++) {
                FloatTiles.tile1(k, a, aOffset + i * lda, b, bOffset + firstColumn, ldb, tile);
                FloatTiles.writeTile(tile, 1, c, cOffset + i * ldc + firstColumn, ldc, PANEL_WIDTH, accumulate);
            }
        }
        if (vectorColumns < n) {
            remainingColumns(m, n, k, vectorColumns, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
        }
    }

    private static void remainingColumns(int m, int n, int k, int firstColumn, float[] a, int aOffset, int lda,
                                         float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc,
                                         boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, cRow + firstColumn, cRow + n, 0f);
            }
            for (int j = firstColumn; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aOffset + i * lda + p] * b[bOffset + p * ldb + j];
                }
                c[cRow + j] += sum;
            }
        }
    }
}
