package io.quantedge.conformance;

import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.npy.NpyFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The Fashion-MNIST test images and labels the project's scripts saved, preprocessed as the
 * models expect: {@code x = (u8 / 255 - 0.2860) / 0.3530}, each step in float32 in that order, as
 * tests/models/scripts/common.py does (so the tensors are bit-for-bit the training pipeline's).
 */
final class TestImages {

    final Tensor images;
    final long[] labels;

    private TestImages(Tensor images, long[] labels) {
        this.images = images;
        this.labels = labels;
    }

    static final float MEAN = 0.2860f;
    static final float STD = 0.3530f;

    static TestImages load() throws Exception {
        Path data = Engines.MODELS.resolve("data");
        Tensor raw = NpyFile.read(data.resolve("fashion_test_images_u8.npy"));
        int[] dims = raw.shape().dims();
        float[] x = new float[Math.toIntExact(raw.elementCount())];
        ByteBuffer pixels = raw.data();
        for (int i = 0; i < x.length; i++) {
            x[i] = ((pixels.get(i) & 0xFF) / 255f - MEAN) / STD;
        }
        Tensor images = Tensor.ofFloats(Shape.of(dims[0], 1, dims[1], dims[2]), x);
        return new TestImages(images, NpyFile.read(data.resolve("fashion_test_labels.npy")).toLongArray());
    }

    int count() {
        return labels.length;
    }

    /** Images [from, from + n) as one N x 1 x 28 x 28 batch. */
    Tensor batch(int from, int n) {
        int[] dims = images.shape().dims();
        int per = Math.toIntExact(images.elementCount() / dims[0]);
        ByteBuffer all = images.data();
        all.position(from * per * 4).limit((from + n) * per * 4);
        dims[0] = n;
        return Tensor.of(images.type(), Shape.of(dims), all.slice());
    }

    static int argmax(float[] row, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (row[offset + i] > row[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
