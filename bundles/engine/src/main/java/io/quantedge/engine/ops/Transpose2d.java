package io.quantedge.engine.ops;

/** Transposes row-major matrices (rows x cols becomes cols x rows). */
final class Transpose2d {

    private Transpose2d() {
    }

    static float[] floats(float[] in, int offset, int rows, int cols) {
        float[] out = new float[rows * cols];
        floats(in, offset, rows, cols, out);
        return out;
    }

    static void floats(float[] in, int offset, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[offset + r * cols + c];
            }
        }
    }

    /** Blocked, so both the reads and the writes stay within a few cache lines at a time. */
    static void bytes(byte[] in, int offset, int rows, int cols, byte[] out) {
        final int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    int from = offset + r * cols;
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = in[from + c];
                    }
                }
            }
        }
    }

    static byte[] bytes(byte[] in, int offset, int rows, int cols) {
        byte[] out = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[offset + r * cols + c];
            }
        }
        return out;
    }
}
