package io.quantedge.quantize.blockwise;

import java.util.Arrays;

/**
 * Chooses the codes of a weight matrix {@code W[K][N]} ({@code y = x W}) in blocks of
 * {@code blockSize} along K, on a {@link FourBitGrid}:
 * <ul>
 * <li>{@link #nearest}: each weight to its nearest level, each block's scale from its largest
 *     magnitude (round-to-nearest, the baseline);</li>
 * <li>{@link #gptq}: GPTQ (Frantar et al. 2022). Given {@code H = sum x^T x} over the layer's
 *     inputs, the output error of changing W by {@code D} is {@code sum ||x D||^2 = tr(D^T H D)}.
 *     Rows of W (input channels) are rounded one at a time in order; the error each leaves is
 *     spread over the rows not yet rounded so that this quadratic error stays least, which with
 *     {@code U}, the upper Cholesky factor of {@code H^-1} ({@code H^-1 = U^T U}), is
 *     {@code W[j] -= (W[k] - Q(W[k])) / U[k][k] * U[k][j]} for every {@code j > k}. A block's
 *     scales are taken from the updated weights when its first row is reached.</li>
 * </ul>
 */
public final class BlockQuantizer {

    /** Dampening added to H's diagonal, as a fraction of its mean: keeps H invertible and updates tame. */
    public static final double DAMPENING = 0.01;

    private BlockQuantizer() {
    }

    public static BlockwiseWeights nearest(float[] w, int k, int n, int blockSize, FourBitGrid grid) {
        double[] work = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            work[i] = w[i];
        }
        byte[] codes = new byte[k * n];
        float[] scales = new float[BlockwiseWeights.blocks(k, blockSize) * n];
        for (int start = 0; start < k; start += blockSize) {
            blockScales(work, start, Math.min(k, start + blockSize), n, grid, scales, start / blockSize);
            for (int row = start; row < Math.min(k, start + blockSize); row++) {
                for (int j = 0; j < n; j++) {
                    codes[row * n + j] = (byte) grid.code((float) work[row * n + j], scales[start / blockSize * n + j]);
                }
            }
        }
        return new BlockwiseWeights(k, n, blockSize, grid, codes, scales);
    }

    /**
     * GPTQ with {@code hessian}, the K x K matrix {@code sum x^T x} (row-major, symmetric; only its
     * relative size matters). Throws {@link ArithmeticException} when H stays singular after ten
     * times more dampening, which only a matrix of non-finite values does.
     */
    public static BlockwiseWeights gptq(float[] w, int k, int n, int blockSize, FourBitGrid grid, double[] hessian) {
        if (hessian.length != k * k) {
            throw new IllegalArgumentException("a " + k + "x" + k + " matrix is needed, got " + hessian.length + " values");
        }
        double[] u = null;
        for (double damp = DAMPENING; u == null && damp <= 1 + 1e-9; damp *= 10) {
            u = inverseCholeskyUpper(dampened(hessian, k, damp), k);
        }
        if (u == null) {
            throw new ArithmeticException("the input covariance is not positive definite even with dampening");
        }
        double[] work = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            work[i] = w[i];
        }
        byte[] codes = new byte[k * n];
        float[] scales = new float[BlockwiseWeights.blocks(k, blockSize) * n];
        double[] error = new double[n];
        for (int row = 0; row < k; row++) {
            int block = row / blockSize;
            if (row % blockSize == 0) {
                blockScales(work, row, Math.min(k, row + blockSize), n, grid, scales, block);
            }
            double pivot = u[row * k + row];
            for (int j = 0; j < n; j++) {
                float scale = scales[block * n + j];
                int code = grid.code((float) work[row * n + j], scale);
                codes[row * n + j] = (byte) code;
                error[j] = (work[row * n + j] - grid.level(code) * scale) / pivot;
            }
            for (int later = row + 1; later < k; later++) {
                double factor = u[row * k + later];
                if (factor == 0) {
                    continue;
                }
                int at = later * n;
                for (int j = 0; j < n; j++) {
                    work[at + j] -= error[j] * factor;
                }
            }
        }
        return new BlockwiseWeights(k, n, blockSize, grid, codes, scales);
    }

    private static void blockScales(double[] w, int from, int to, int n, FourBitGrid grid, float[] scales, int block) {
        for (int j = 0; j < n; j++) {
            double max = 0;
            for (int row = from; row < to; row++) {
                max = Math.max(max, Math.abs(w[row * n + j]));
            }
            scales[block * n + j] = grid.scale(max);
        }
    }

    /**
     * H plus {@code damp} times its mean diagonal on the diagonal; an input that was always 0
     * (diagonal 0) gets 1 there, so it stands alone: its weights are rounded to nearest and pass
     * no error on.
     */
    static double[] dampened(double[] hessian, int k, double damp) {
        double[] h = hessian.clone();
        double mean = 0;
        for (int i = 0; i < k; i++) {
            mean += h[i * k + i];
        }
        mean /= k;
        for (int i = 0; i < k; i++) {
            if (h[i * k + i] == 0) {
                for (int j = 0; j < k; j++) {
                    h[i * k + j] = 0;
                    h[j * k + i] = 0;
                }
                h[i * k + i] = 1;
            }
            h[i * k + i] += damp * (mean > 0 ? mean : 1);
        }
        return h;
    }

    /**
     * U upper triangular with {@code U^T U = H^-1}, or null when H is not positive definite:
     * {@code H = L L^T} (Cholesky), {@code H^-1 = L^-T L^-1}, then the Cholesky factor of that,
     * transposed.
     */
    static double[] inverseCholeskyUpper(double[] h, int k) {
        double[] l = cholesky(h, k);
        if (l == null) {
            return null;
        }
        // L^-1, lower triangular, by forward substitution a row at a time (rows are contiguous).
        double[] inv = new double[k * k];
        double[] row = new double[k];
        for (int r = 0; r < k; r++) {
            Arrays.fill(row, 0, r, 0);
            for (int m = 0; m < r; m++) {
                double lrm = l[r * k + m];
                if (lrm != 0) {
                    int at = m * k;
                    for (int c = 0; c <= m; c++) {
                        row[c] += lrm * inv[at + c];
                    }
                }
            }
            double pivot = l[r * k + r];
            for (int c = 0; c < r; c++) {
                inv[r * k + c] = -row[c] / pivot;
            }
            inv[r * k + r] = 1 / pivot;
        }
        // H^-1 = L^-T L^-1: entry (i, j) = sum over m of inv[m][i] * inv[m][j]; lower triangle, then mirrored.
        double[] hInv = new double[k * k];
        for (int m = 0; m < k; m++) {
            int at = m * k;
            for (int i = 0; i <= m; i++) {
                double a = inv[at + i];
                if (a == 0) {
                    continue;
                }
                int to = i * k;
                for (int j = 0; j <= i; j++) {
                    hInv[to + j] += a * inv[at + j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                hInv[j * k + i] = hInv[i * k + j];
            }
        }
        double[] lower = cholesky(hInv, k);
        if (lower == null) {
            return null;
        }
        double[] upper = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                upper[j * k + i] = lower[i * k + j];
            }
        }
        return upper;
    }

    /** Lower-triangular L with {@code L L^T = a}, or null when a is not positive definite. */
    static double[] cholesky(double[] a, int k) {
        double[] l = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * k + j];
                for (int m = 0; m < j; m++) {
                    sum -= l[i * k + m] * l[j * k + m];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        return null;
                    }
                    l[i * k + i] = Math.sqrt(sum);
                } else {
                    l[i * k + j] = sum / l[j * k + j];
                }
            }
        }
        return l;
    }
}
