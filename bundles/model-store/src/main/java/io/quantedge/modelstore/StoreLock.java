package io.quantedge.modelstore;

import io.quantedge.api.store.ModelStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that keeps a store to one process: two gateways on one data folder would each take the
 * other's staging for leftovers. The operating system releases it when the process dies, however
 * it dies, so a killed gateway never leaves it held.
 */
final class StoreLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock on {@code file}, or fails with {@code IN_USE} when another store holds it. */
    static StoreLock take(Path file, Path store) throws IOException, ModelStoreException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process, through another store
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new ModelStoreException(ModelStoreException.Code.IN_USE, store + " is in use by another process; "
                    + "two gateways cannot share a model store");
        }
        return new StoreLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
