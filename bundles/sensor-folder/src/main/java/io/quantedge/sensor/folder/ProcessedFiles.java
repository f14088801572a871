package io.quantedge.sensor.folder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of a folder already handled, by name with the size and modification time they had, so
 * a camera that overwrites {@code snapshot.jpg} gives a new frame each time while a kept file is
 * never taken twice, across restarts too. Saved as a small text file, replaced atomically (written
 * beside it, forced, renamed): a crash leaves the old list or the new one, never half of one.
 */
final class ProcessedFiles {

    /** A file as it was when handled. */
    record Stamp(long size, long modifiedMillis) {
    }

    private static final String HEADER = "# QuantEdge snapshot folder: files processed (size, modified ms, name)";

    private final Path file;
    private final Map<String, Stamp> handled = new HashMap<>();
    private boolean dirty;

    private ProcessedFiles(Path file) {
        this.file = file;
    }

    /** The list saved in {@code file}, or an empty one when there is none; lines it cannot read are dropped. */
    static ProcessedFiles load(Path file) throws IOException {
        ProcessedFiles files = new ProcessedFiles(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return files;
        }
        for (String line : lines) {
            String[] fields = line.split("\t", 3);
            if (line.startsWith("#") || fields.length != 3) {
                continue;
            }
            try {
                files.handled.put(fields[2], new Stamp(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
            } catch (NumberFormatException skipped) {
                files.dirty = true; // rewritten without it on the next save
            }
        }
        return files;
    }

    boolean contains(String name, Stamp stamp) {
        return stamp.equals(handled.get(name));
    }

    /** Whether a file of this name was handled, whatever it looked like then. */
    boolean knows(String name) {
        return handled.containsKey(name);
    }

    void add(String name, Stamp stamp) {
        if (!stamp.equals(handled.put(name, stamp))) {
            dirty = true;
        }
    }

    /** Forgets the files no longer in the folder, so the list does not grow with every file ever seen. */
    void retainOnly(Set<String> present) {
        if (handled.keySet().retainAll(present)) {
            dirty = true;
        }
    }

    int size() {
        return handled.size();
    }

    /** Writes the list if it changed since the last save. */
    void save() throws IOException {
        if (!dirty) {
            return;
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        handled.forEach((name, stamp) -> text.append(stamp.size()).append('\t').append(stamp.modifiedMillis())
                .append('\t').append(name).append('\n'));
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            folder.force(true); // the rename itself survives a power cut
        } catch (IOException notOnThisPlatform) {
            // Some platforms cannot open a folder; the rename is still atomic.
        }
        dirty = false;
    }
}
