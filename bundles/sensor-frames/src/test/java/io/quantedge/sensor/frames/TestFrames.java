package io.quantedge.sensor.frames;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/** Small waits and reads the sensor tests share. */
public final class TestFrames {

    private TestFrames() {
    }

    public static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Waits up to 30 s for {@code condition}; fails naming {@code what} otherwise. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
