package io.quantedge.backend.vector;

/**
 * One thread's scratch for {@link VectorDepthwiseConv}, kept between calls so a convolution
 * allocates only when its thread first meets a larger plane: one channel's padded, phase-split
 * image and that channel's int32 sums.
 */
final class DepthwiseWorkspace {

    private static final ThreadLocal<DepthwiseWorkspace> PER_THREAD = ThreadLocal.withInitial(DepthwiseWorkspace::new);

    private byte[] image = new byte[0];
    private int[] sums = new int[0];

    static DepthwiseWorkspace ofCurrentThread() {
        return PER_THREAD.get();
    }

    byte[] image(int size) {
        if (image.length < size) {
            image = new byte[size];
        }
        return image;
    }

    int[] sums(int size) {
        if (sums.length < size) {
            sums = new int[size];
        }
        return sums;
    }
}
