package io.quantedge.quantize;

import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;

/** A tensor of N samples along its first dimension, cut into batches without copying. */
public final class Batches {

    private Batches() {
    }

    public static int count(Tensor samples) {
        return samples.shape().rank() == 0 ? 0 : samples.shape().dim(0);
    }

    /** Samples [from, from + n) as one tensor of the same type. */
    public static Tensor slice(Tensor samples, int from, int n) {
        int[] dims = samples.shape().dims();
        long perSample = samples.elementCount() / Math.max(1, dims[0]);
        long bytesPerSample = samples.type().byteSize(perSample);
        ByteBuffer all = samples.data();
        all.position(Math.toIntExact(from * bytesPerSample)).limit(Math.toIntExact((from + n) * bytesPerSample));
        dims[0] = n;
        return Tensor.of(samples.type(), Shape.of(dims), all.slice());
    }
}
