package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.LANES;

/**
 * One thread's scratch for {@link VectorInt4Int8Blockwise}, kept between calls so a product
 * allocates only when its thread first meets a larger shape: the quantized rows of A, the exact
 * block sums of one row and one panel on their way from the integer loop to the float one, and the
 * outputs of a last panel that N does not fill.
 */
final class Int4Int8Workspace {

    private static final ThreadLocal<Int4Int8Workspace> PER_THREAD = ThreadLocal.withInitial(Int4Int8Workspace::new);

    private final QuantizedRows rows = new QuantizedRows();
    private final float[] partialPanel = new float[LANES];
    private int[] blockDots = new int[0];

    static Int4Int8Workspace ofCurrentThread() {
        return PER_THREAD.get();
    }

    QuantizedRows rows() {
        return rows;
    }

    /** Room for LANES sums per block. */
    int[] blockDots(int blocks) {
        if (blockDots.length < blocks * LANES) {
            blockDots = new int[blocks * LANES];
        }
        return blockDots;
    }

    float[] partialPanel() {
        return partialPanel;
    }
}
