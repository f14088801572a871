package io.quantedge.backend.nativecode;

import io.quantedge.api.kernel.PackedMatrix;
import java.lang.ref.Cleaner;

/**
 * Weights packed into native memory. The memory is freed when this object becomes unreachable (a
 * {@link Cleaner} action holding only the address), so a model that is unloaded gives its weights
 * back without an explicit close. Kernels keep the object reachable across their native calls with
 * {@link java.lang.ref.Reference#reachabilityFence}.
 */
final class NativePackedMatrix implements PackedMatrix {

    /** Which packing made the matrix: each kernel accepts only its own. */
    enum Kind { INT8, FLOAT, INT4, INT4_INT8, DEPTHWISE }

    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "quantedge-native-weights-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private final Kind kind;
    private final int rows;
    private final int columns;
    private final long address;
    private final long bytes;
    private final Cleaner.Cleanable cleanable;

    NativePackedMatrix(Kind kind, int rows, int columns, long address) {
        this.kind = kind;
        this.rows = rows;
        this.columns = columns;
        this.address = address;
        this.bytes = NativeKernels.packedBytes(address);
        this.cleanable = CLEANER.register(this, () -> NativeKernels.release(address));
    }

    Kind kind() {
        return kind;
    }

    /** The native address; valid only while this object is reachable. */
    long address() {
        return address;
    }

    /** Frees the native memory now, for a matrix packed for a single call; the object must not be used after. */
    void releaseNow() {
        cleanable.clean();
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int columns() {
        return columns;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return kind + " " + rows + " x " + columns + " (" + bytes + " bytes, native)";
    }
}
