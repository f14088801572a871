package io.quantedge.calibration;

import io.quantedge.api.pipeline.InputListener;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Keeps the first {@code wanted} inputs a pipeline feeds one model input, in one buffer allocated
 * up front (its size was checked against the gateway's limit before), so collecting never grows.
 * Frames of another shape or type (a version with other preprocessing, say) are counted and skipped.
 */
final class FrameCollector implements InputListener {

    private final String model;
    private final String input;
    private final Shape frameShape;
    private final int frameBytes;
    private final int wanted;
    private final ByteBuffer frames;
    private final IntConsumer collected;
    private final CountDownLatch full = new CountDownLatch(1);
    private int count;
    private volatile int skipped;

    /**
     * @param frameShape one frame's input shape (batch 1)
     * @param collected told the count after each frame kept (on the pipeline's thread)
     */
    FrameCollector(String model, String input, Shape frameShape, int wanted, IntConsumer collected) {
        this.model = model;
        this.input = input;
        this.frameShape = frameShape;
        this.frameBytes = Math.toIntExact(DataType.FP32.byteSize(frameShape.elementCount()));
        this.wanted = wanted;
        this.frames = ByteBuffer.allocate(Math.multiplyExact(frameBytes, wanted)).order(ByteOrder.LITTLE_ENDIAN);
        this.collected = collected;
    }

    /** The bytes {@code wanted} frames of {@code frameShape} take. */
    static long bytesFor(Shape frameShape, long wanted) {
        return DataType.FP32.byteSize(frameShape.elementCount()) * wanted;
    }

    @Override
    public void inputs(String model, String version, Map<String, Tensor> inputs) {
        Tensor tensor = inputs.get(input);
        if (!this.model.equals(model) || tensor == null) {
            return;
        }
        int kept;
        synchronized (this) {
            if (count == wanted) {
                return;
            }
            if (tensor.type() != DataType.FP32 || tensor.elementCount() != frameShape.elementCount()) {
                skipped++;
                return;
            }
            frames.put(tensor.data());
            kept = ++count;
        }
        collected.accept(kept);
        if (kept == wanted) {
            full.countDown();
        }
    }

    /** Waits until every wanted frame is in; false when the time ran out first. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return full.await(timeout, unit);
    }

    synchronized int count() {
        return count;
    }

    int skipped() {
        return skipped;
    }

    /** Frames [from, from + n) as one tensor of N frames. */
    synchronized Tensor frames(int from, int n) {
        ByteBuffer slice = frames.duplicate().position(from * frameBytes).limit((from + n) * frameBytes).slice();
        int[] dims = frameShape.dims();
        dims[0] = n;
        return Tensor.of(DataType.FP32, Shape.of(dims), slice);
    }
}
