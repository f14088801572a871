package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.Int8Tiles.CHUNK;
import static io.quantedge.backend.vector.Int8Tiles.PANEL_WIDTH;
import static io.quantedge.backend.vector.Int8Tiles.TILE_ROWS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;

/**
 * 8-bit products through the zero-point identity, in int32 wrapping arithmetic:
 * {@code sum (A' - za')(B' - zb'[j]) = A'.B' - zb'[j] * rowsum(A') + za' * (K * zb'[j] - colsum(B'))},
 * where A' and B' are the operands shifted to int8 (uint8 minus 128, the zero points shifted
 * alike, which leaves every difference unchanged). The identity holds over the integers, so modulo
 * 2^32 both sides agree, which is all the contract asks of a wrapping accumulator. A'.B' comes from
 * exact float FMA tiles over chunks of K ({@link Int8Tiles}); the column terms come from packing.
 *
 * <p>Loop order: blocks of {@link #ROW_BLOCK} rows, then chunks of K (the block's chunk of A,
 * converted to float, stays in L2; a panel's chunk of B, 32 KB at most with AVX-512, in L1), then
 * panels, then tiles of four rows. A single row (matrix-vector) streams each panel once.
 */
final class VectorInt8Gemm implements Int8GemmKernel {

    static final int ROW_BLOCK = 128;
    private static final int SHIFT_TO_INT8 = 128;

    @Override
    public PackedMatrix pack(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints) {
        KernelArguments.requireDimensions(0, n, k);
        KernelArguments.requireInside("B", b.length, offset, ldb, k, n);
        KernelArguments.requireZeroPoints(zeroPoints, n);
        int panelCount = (n + PANEL_WIDTH - 1) / PANEL_WIDTH;
        int panelBytes = Math.multiplyExact(Math.multiplyExact(panelCount, k), PANEL_WIDTH);
        byte[] panels = new byte[Math.addExact(panelBytes, KernelSpecies.BYTE_OVERREAD)];
        int[] columnSums = new int[n];
        for (int p = 0; p < k; p++) {
            int row = offset + p * ldb;
            for (int j = 0; j < n; j++) {
                int shifted = signed ? b[row + j] : (b[row + j] & 0xFF) - SHIFT_TO_INT8;
                int panel = j / PANEL_WIDTH;
                panels[(panel * k + p) * PANEL_WIDTH + j % PANEL_WIDTH] = (byte) shifted;
                columnSums[j] += shifted;
            }
        }
        int[] shiftedZeroPoints = new int[n];
        int[] zeroPointTerms = new int[n];
        for (int j = 0; j < n; j++) {
            shiftedZeroPoints[j] = zeroPoints[zeroPoints.length == 1 ? 0 : j] - (signed ? 0 : SHIFT_TO_INT8);
            zeroPointTerms[j] = k * shiftedZeroPoints[j] - columnSums[j];
        }
        return new Int8PanelMatrix(panels, k, n, shiftedZeroPoints, zeroPointTerms);
    }

    @Override
    public void gemm(int m, int n, int k, byte[] a, int aOffset, int lda, boolean aSigned, int aZeroPoint,
                     PackedMatrix b, int[] c, int cOffset, int ldc) {
        if (!(b instanceof Int8PanelMatrix packed)) {
            throw KernelArguments.foreignPacking("B", b, Int8PanelMatrix.class.getSimpleName(), "vector");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("B", packed.rows(), packed.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0);
            }
            return;
        }
        int shiftedAZeroPoint = aZeroPoint - (aSigned ? 0 : SHIFT_TO_INT8);
        Int8Workspace workspace = Int8Workspace.ofCurrentThread();
        for (int firstRow = 0; firstRow < m; firstRow += ROW_BLOCK) {
            int rows = Math.min(ROW_BLOCK, m - firstRow);
            int[] rowSums = workspace.rowSums(rows);
            Arrays.fill(rowSums, 0, rows, 0);
            float[] converted = workspace.convertedRows(rows * Math.min(k, CHUNK));
            int cBlock = cOffset + firstRow * ldc;
            for (int firstP = 0; firstP < k; firstP += CHUNK) {
                int kc = Math.min(CHUNK, k - firstP);
                convertChunk(a, aOffset + firstRow * lda + firstP, lda, aSigned, rows, kc, converted, rowSums);
                multiplyChunk(rows, n, k, kc, firstP, converted, packed.panels(), workspace.tile(), c, cBlock, ldc,
                        firstP > 0);
            }
            applyZeroPoints(rows, n, rowSums, shiftedAZeroPoint, packed, c, cBlock, ldc);
        }
    }

    @Override
    public void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                           int outZeroPoint, boolean outSigned, Rounding rounding, byte[] out, int outOffset,
                           int ldOut) {
        VectorRequantizer.requantize(m, n, acc, accOffset, ldAcc, bias, multiplier, outZeroPoint, outSigned,
                rounding, out, outOffset, ldOut);
    }

    /** A rows x kc block of A, shifted to int8, as floats kc apart; adds each row's values to its sum. */
    private static void convertChunk(byte[] a, int aStart, int lda, boolean aSigned, int rows, int kc,
                                     float[] converted, int[] rowSums) {
        for (int i = 0; i < rows; i++) {
            int aRow = aStart + i * lda;
            int target = i * kc;
            int sum = 0;
            for (int p = 0; p < kc; p++) {
                int shifted = aSigned ? a[aRow + p] : (a[aRow + p] & 0xFF) - SHIFT_TO_INT8;
                converted[target + p] = shifted;
                sum += shifted;
            }
            rowSums[i] += sum;
        }
    }

    private static void multiplyChunk(int rows, int n, int k, int kc, int firstP, float[] converted, byte[] panels,
                                      float[] tile, int[] c, int cBlock, int ldc, boolean add) {
        for (int firstColumn = 0; firstColumn < n; firstColumn += PANEL_WIDTH) {
            int width = Math.min(PANEL_WIDTH, n - firstColumn);
            // Panel start (firstColumn / PANEL_WIDTH * k * PANEL_WIDTH) plus the chunk's first row.
            int bStart = firstColumn * k + firstP * PANEL_WIDTH;
            int i = 0;
            for (; i + TILE_ROWS <= rows; i += TILE_ROWS) {
                Int8Tiles.tile4(kc, converted, i * kc, kc, panels, bStart, tile);
                Int8Tiles.addTile(tile, TILE_ROWS, c, cBlock + i * ldc + firstColumn, ldc, width, add);
            }
            for (; i < rows; i++) {
                Int8Tiles.tile1(kc, converted, i * kc, panels, bStart, tile);
                Int8Tiles.addTile(tile, 1, c, cBlock + i * ldc + firstColumn, ldc, width, add);
            }
        }
    }

    /** C[i][j] += za' * terms[j] - zb'[j] * rowsum[i], the rest of the identity, in wrapping int32. */
    private static void applyZeroPoints(int rows, int n, int[] rowSums, int shiftedAZeroPoint, Int8PanelMatrix b,
                                        int[] c, int cBlock, int ldc) {
        int[] zeroPoints = b.zeroPoints();
        int[] terms = b.zeroPointTerms();
        int vectorColumns = n - n % LANES;
        for (int i = 0; i < rows; i++) {
            int cRow = cBlock + i * ldc;
            int negativeRowSum = -rowSums[i];
            int j = 0;
            for (; j < vectorColumns; j += LANES) {
                IntVector.fromArray(INTS, terms, j).mul(shiftedAZeroPoint)
                        .add(IntVector.fromArray(INTS, zeroPoints, j).mul(negativeRowSum))
                        .add(IntVector.fromArray(INTS, c, cRow + j))
                        .intoArray(c, cRow + j);
            }
            for (; j < n; j++) {
                c[cRow + j] += shiftedAZeroPoint * terms[j] - zeroPoints[j] * rowSums[i];
            }
        }
    }
}
