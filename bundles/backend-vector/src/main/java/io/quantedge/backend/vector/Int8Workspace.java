package io.quantedge.backend.vector;

/**
 * One thread's scratch for integer products, kept between calls so the product allocates only the
 * first time a thread meets a larger shape: a block of A rows converted to float, their sums, and
 * the buffer a tile's sums pass through.
 */
final class Int8Workspace {

    private static final ThreadLocal<Int8Workspace> PER_THREAD = ThreadLocal.withInitial(Int8Workspace::new);

    private float[] convertedRows = new float[0];
    private int[] rowSums = new int[0];
    private final float[] tile = new float[Int8Tiles.TILE_BUFFER];

    static Int8Workspace ofCurrentThread() {
        return PER_THREAD.get();
    }

    float[] convertedRows(int size) {
        if (convertedRows.length < size) {
            convertedRows = new float[size];
        }
        return convertedRows;
    }

    float[] tile() {
        return tile;
    }

    int[] rowSums(int size) {
        if (rowSums.length < size) {
            rowSums = new int[size];
        }
        return rowSums;
    }
}
