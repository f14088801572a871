package io.quantedge.engine.ops;

/**
 * Per-thread working arrays (im2col buffers, transposes) that grow to the largest size needed and
 * are then reused, so operators stay allocation-free on the hot path and safe across threads.
 */
final class Scratch {

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[4][0]);
    private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[2][0]);
    private static final ThreadLocal<byte[][]> BYTES = ThreadLocal.withInitial(() -> new byte[2][0]);

    private Scratch() {
    }

    /** Float buffer number {@code slot} (0-3) of this thread, at least {@code size} long. */
    static float[] floats(int slot, int size) {
        float[][] buffers = FLOATS.get();
        if (buffers[slot].length < size) {
            buffers[slot] = new float[size];
        }
        return buffers[slot];
    }

    static int[] ints(int slot, int size) {
        int[][] buffers = INTS.get();
        if (buffers[slot].length < size) {
            buffers[slot] = new int[size];
        }
        return buffers[slot];
    }

    static byte[] bytes(int slot, int size) {
        byte[][] buffers = BYTES.get();
        if (buffers[slot].length < size) {
            buffers[slot] = new byte[size];
        }
        return buffers[slot];
    }
}
