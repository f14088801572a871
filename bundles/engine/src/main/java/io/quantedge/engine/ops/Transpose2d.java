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
