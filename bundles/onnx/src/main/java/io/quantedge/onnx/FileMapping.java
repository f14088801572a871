package io.quantedge.onnx;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Maps files read-only. A mapping outlives the channel it came from, so tensors can be zero-copy
 * slices of it while no file handle stays open; the operating system pages the weights in as the
 * engine touches them.
 */
final class FileMapping {

    /** A ByteBuffer addresses at most this many bytes. */
    static final long MAX_REGION = Integer.MAX_VALUE;

    private FileMapping() {
    }

    /** The whole of {@code file}, mapped read-only. */
    static ByteBuffer mapWhole(Path file, String what) throws ModelLoadException {
        requireRegularFile(file, what);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_REGION) {
                throw new ModelLoadException(Code.TOO_LARGE, what + " " + file + " is " + size
                        + " bytes; a protobuf file can hold at most 2 GiB, keep larger weights in external data files");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw ioFailure(what + " " + file, e);
        }
    }

    /** Region [{@code offset}, {@code offset + length}) of an open channel, mapped read-only. */
    static ByteBuffer mapRegion(FileChannel channel, long offset, long length, String what) throws ModelLoadException {
        if (length > MAX_REGION) {
            throw new ModelLoadException(Code.TOO_LARGE, what + " is " + length
                    + " bytes; one region can be at most 2 GiB");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        } catch (IOException e) {
            throw ioFailure(what, e);
        }
    }

    static void requireRegularFile(Path file, String what) throws ModelLoadException {
        if (Files.isDirectory(file)) {
            throw new ModelLoadException(Code.IO, what + " " + file + " is a directory, not a file");
        }
        if (!Files.exists(file)) {
            throw new ModelLoadException(Code.IO, what + " " + file + " does not exist");
        }
        // Opening a named pipe or a device could block or never end; only plain files are read.
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(Code.IO, what + " " + file + " is not a regular file");
        }
    }

    /** An IO error that says which file and why, in words rather than an exception class name. */
    static ModelLoadException ioFailure(String what, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "it does not exist";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new ModelLoadException(Code.IO, "cannot read " + what + ": " + reason, e);
    }
}
