package io.quantedge.results.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A bounded first-in first-out queue of byte records in a folder, that survives restarts and power
 * loss.
 *
 * <p>Layout. Segment files {@code <first sequence, 20 digits>.seg}: an 8-byte header (magic, format)
 * and then records {@code [length:int][crc32:int][payload]}, the CRC over the length's four bytes and
 * the payload, so a record torn by a power cut, or garbled, is recognised. {@code consumed} holds the
 * sequence number of the first record not yet acknowledged and its CRC; it is replaced atomically
 * (temporary file, fsync, rename, fsync of the folder). Segments wholly acknowledged are deleted.
 *
 * <p>Opening scans every segment: a segment is cut back to its last whole record (with a warning
 * saying how many bytes went), so a torn tail never stops the queue. Every open starts a fresh segment
 * for its appends, so nothing is ever appended behind bytes a crash left in doubt.
 *
 * <p>Durability. Appends are written at once (they survive a crash of the process) and reach the disk
 * at {@link #sync()}, which the owner calls on its policy; a power cut loses what was appended since
 * the last sync. The consumed position is also persisted at {@code sync()}, so after a power cut the
 * records acknowledged since then are delivered again (at least once, never lost).
 *
 * <p>Capacity. Bytes and records waiting are bounded by {@link QueueLimits}; when a record does not
 * fit, the oldest records are dropped or the new one is refused, and counted. A failed write (full
 * disk) is cut back, so the segment never keeps half a record.
 *
 * <p>Not thread-safe: one thread owns a queue.
 */
public final class DiskQueue implements AutoCloseable {

    static final int MAGIC = 0x51455251; // "QERQ"
    static final int FORMAT = 1;
    static final int FILE_HEADER_BYTES = 8;
    static final int RECORD_HEADER_BYTES = 8;
    static final String SEGMENT_SUFFIX = ".seg";
    static final String CONSUMED = "consumed";

    private final Path directory;
    private final QueueLimits limits;
    private final Consumer<String> warnings;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Oldest first; the head is always in the first, appends always go to the last. */
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    private final CRC32 crc = new CRC32();
    private Segment writer;
    /** First record not acknowledged. */
    private Position head;
    /** Next record {@link #readNext()} returns. Never behind the head. */
    private Position cursor;
    private long nextSequence;
    private long records;
    private long bytes;
    private long droppedOldest;
    private long droppedNewest;
    private boolean appendedSinceSync;
    private long persistedConsumed;

    private DiskQueue(Path directory, QueueLimits limits, Consumer<String> warnings, FileChannel lockChannel,
                      FileLock lock) {
        this.directory = directory;
        this.limits = limits;
        this.warnings = warnings;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (or creates) the queue in {@code directory}, recovering from whatever a crash left. */
    public static DiskQueue open(Path directory, QueueLimits limits, Consumer<String> warnings)
            throws QueueException {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(warnings, "warnings");
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                throw new QueueException(QueueException.Code.IN_USE, "the result queue in " + directory
                        + " is open elsewhere (another gateway process?); stop it or configure another folder", null);
            }
            DiskQueue queue = new DiskQueue(directory, limits, warnings, lockChannel, lock);
            queue.recover();
            return queue;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new QueueException(QueueException.Code.IO, "cannot open the result queue in " + directory + ": " + e,
                    e);
        } catch (QueueException | RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private void recover() throws IOException, QueueException {
        Files.deleteIfExists(directory.resolve(CONSUMED + ".tmp"));
        long consumed = readConsumed();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(SEGMENT_SUFFIX)).sorted().toList();
        }
        long end = consumed;
        for (Path file : files) {
            Segment segment = scan(file);
            if (segment == null) {
                continue;
            }
            if (segment.count == 0 || segment.first + segment.count <= consumed) {
                segment.close();
                Files.delete(file);
                continue;
            }
            segments.addLast(segment);
            end = Math.max(end, segment.first + segment.count);
        }
        nextSequence = end;
        try {
            writer = Segment.create(directory, nextSequence);
            segments.addLast(writer);
            syncDirectory();
        } catch (IOException e) {
            // A full disk must not keep the queue from opening: what waits can still be delivered, which
            // frees room. The last segment was cut back to whole records above, so appending to it is safe
            // as long as its sequences run on to the next one.
            Segment last = segments.peekLast();
            if (last == null || last.first + last.count != nextSequence) {
                throw e;
            }
            writer = last;
            warnings.accept("Result queue: cannot start a new segment in " + directory + " (" + e.getMessage()
                    + "); appending to " + last.file + " after its last whole record");
        }
        Segment first = segments.peekFirst();
        head = new Position(first, FILE_HEADER_BYTES, first.first);
        while (head.sequence < consumed && head.offset < head.segment.size) {
            head.offset += RECORD_HEADER_BYTES + lengthAt(head);
            head.sequence++;
        }
        persistedConsumed = consumed;
        for (Segment segment : segments) {
            records += segment.count;
            bytes += segment.size - FILE_HEADER_BYTES;
        }
        records -= head.sequence - first.first;
        bytes -= head.offset - FILE_HEADER_BYTES;
        normaliseHead();
        cursor = head.copy();
    }

    /** The segment in {@code file} cut back to its last whole record, or null when it is not one of ours. */
    private Segment scan(Path file) throws IOException {
        long first;
        try {
            first = Long.parseLong(file.getFileName().toString().replace(SEGMENT_SUFFIX, ""));
        } catch (NumberFormatException notOurs) {
            warnings.accept("Result queue: ignoring " + file + " (not a segment name)");
            return null;
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER_BYTES);
        readFully(channel, fileHeader, 0);
        if (size < FILE_HEADER_BYTES || fileHeader.getInt(0) != MAGIC || fileHeader.getInt(4) != FORMAT) {
            channel.close();
            if (size < FILE_HEADER_BYTES) {
                // A segment whose creation a crash interrupted: it never held a record.
                Files.delete(file);
            } else {
                Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                warnings.accept("Result queue: " + file + " is not a queue segment of format " + FORMAT
                        + "; moved aside to " + aside);
            }
            return null;
        }
        long offset = FILE_HEADER_BYTES;
        long count = 0;
        String damage = null;
        while (offset < size) {
            if (size - offset < RECORD_HEADER_BYTES) {
                damage = "a torn record header";
                break;
            }
            header.clear();
            readFully(channel, header, offset);
            int length = header.getInt(0);
            if (length < 0 || length > size - offset - RECORD_HEADER_BYTES) {
                damage = length < 0 ? "a garbled record length" : "a torn record";
                break;
            }
            byte[] payload = new byte[length];
            readFully(channel, ByteBuffer.wrap(payload), offset + RECORD_HEADER_BYTES);
            if (checksum(length, payload) != header.getInt(4)) {
                damage = "a record whose checksum does not match";
                break;
            }
            offset += RECORD_HEADER_BYTES + length;
            count++;
        }
        if (damage != null) {
            warnings.accept("Result queue: " + file + " ends in " + damage + " at byte " + offset + " (record "
                    + (first + count) + "); the last " + (size - offset) + " bytes are dropped, the " + count
                    + " records before them are kept");
            channel.truncate(offset);
            channel.force(true);
        }
        return new Segment(file, first, channel, offset, count);
    }

    /** Adds {@code payload} at the tail; false when the queue is full and refuses new records. */
    public boolean append(byte[] payload) throws QueueException {
        long size = RECORD_HEADER_BYTES + (long) payload.length;
        if (limits.exceededBy(1, size) || size > limits.segmentBytes() - FILE_HEADER_BYTES) {
            throw new QueueException(QueueException.Code.RECORD_TOO_LARGE, "a record of " + payload.length
                    + " bytes does not fit the queue (capacity " + limits.maxBytes() + " bytes, segments of "
                    + limits.segmentBytes() + ")", null);
        }
        while (limits.exceededBy(records + 1, bytes + size)) {
            if (limits.whenFull() == WhenFull.DROP_NEWEST) {
                droppedNewest++;
                return false;
            }
            skipHeadRecord();
            droppedOldest++;
        }
        if (writer.size + size > limits.segmentBytes() && writer.count > 0) {
            rollOver();
        }
        ByteBuffer record = ByteBuffer.allocate((int) size);
        record.putInt(payload.length).putInt(checksum(payload.length, payload)).put(payload).flip();
        long at = writer.size;
        try {
            while (record.hasRemaining()) {
                writer.channel.write(record, at + record.position());
            }
        } catch (IOException e) {
            cutBack(writer, at);
            throw new QueueException(QueueException.Code.IO, "cannot write to the result queue in " + directory
                    + ": " + e.getMessage(), e);
        }
        writer.size += size;
        writer.count++;
        nextSequence++;
        records++;
        bytes += size;
        appendedSinceSync = true;
        return true;
    }

    /** The next record after those already read, or null when every record has been read. */
    public QueuedRecord readNext() throws QueueException {
        try {
            if (!advanceToRecord(cursor)) {
                return null;
            }
            int length = lengthAt(cursor);
            byte[] payload = new byte[length];
            readFully(cursor.segment.channel, ByteBuffer.wrap(payload), cursor.offset + RECORD_HEADER_BYTES);
            QueuedRecord record = new QueuedRecord(cursor.sequence, payload);
            cursor.offset += RECORD_HEADER_BYTES + length;
            cursor.sequence++;
            return record;
        } catch (IOException e) {
            throw new QueueException(QueueException.Code.IO, "cannot read the result queue in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reading starts again at the oldest record not acknowledged. */
    public void rewind() {
        cursor = head.copy();
    }

    /**
     * Acknowledges every record up to and including {@code sequence}; false when that record was not
     * waiting any more (it had been dropped to make room, or acknowledged before).
     */
    public boolean ack(long sequence) throws QueueException {
        if (sequence < head.sequence) {
            return false;
        }
        while (head.sequence <= sequence && records > 0) {
            skipHeadRecord();
        }
        return true;
    }

    /** Forces appended records and the consumed position to the disk. */
    public void sync() throws QueueException {
        try {
            if (appendedSinceSync) {
                writer.channel.force(false);
                appendedSinceSync = false;
            }
            if (head.sequence != persistedConsumed) {
                writeConsumed(head.sequence);
                persistedConsumed = head.sequence;
            }
        } catch (IOException e) {
            throw new QueueException(QueueException.Code.IO, "cannot sync the result queue in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Records waiting (not acknowledged). */
    public long records() {
        return records;
    }

    /** Bytes the waiting records take, headers included. */
    public long bytes() {
        return bytes;
    }

    /** Records read by {@link #readNext()} and not acknowledged yet. */
    public long readAhead() {
        return cursor.sequence - head.sequence;
    }

    public long droppedOldest() {
        return droppedOldest;
    }

    public long droppedNewest() {
        return droppedNewest;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() throws QueueException {
        try {
            sync();
        } finally {
            for (Segment segment : segments) {
                segment.close();
            }
            segments.clear();
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it as well
            }
            closeQuietly(lockChannel);
        }
    }

    private void skipHeadRecord() throws QueueException {
        try {
            normaliseHead();
            int length = lengthAt(head);
            head.offset += RECORD_HEADER_BYTES + length;
            head.sequence++;
            records--;
            bytes -= RECORD_HEADER_BYTES + length;
            normaliseHead();
        } catch (IOException e) {
            throw new QueueException(QueueException.Code.IO, "cannot read the result queue in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Moves the head out of finished segments, deleting them; keeps the cursor from falling behind. */
    private void normaliseHead() {
        while (head.offset >= head.segment.size && head.segment != writer) {
            Segment done = segments.removeFirst();
            done.close();
            try {
                Files.deleteIfExists(done.file);
            } catch (IOException e) {
                // Harmless: the next open finds it wholly consumed and deletes it.
                warnings.accept("Result queue: cannot delete the consumed segment " + done.file + ": " + e);
            }
            Segment next = segments.peekFirst();
            head = new Position(next, FILE_HEADER_BYTES, next.first);
        }
        if (cursor != null && (cursor.segment.closed || cursor.sequence < head.sequence)) {
            cursor = head.copy();
        }
    }

    /** Moves {@code position} over finished segments; false at the end of the queue. */
    private boolean advanceToRecord(Position position) {
        while (position.offset >= position.segment.size) {
            Segment next = after(position.segment);
            if (next == null) {
                return false;
            }
            position.segment = next;
            position.offset = FILE_HEADER_BYTES;
            position.sequence = next.first;
        }
        return true;
    }

    private Segment after(Segment segment) {
        Iterator<Segment> it = segments.iterator();
        while (it.hasNext()) {
            if (it.next() == segment) {
                return it.hasNext() ? it.next() : null;
            }
        }
        return null;
    }

    private void rollOver() throws QueueException {
        try {
            writer.channel.force(false);
            appendedSinceSync = false;
            Segment next = Segment.create(directory, nextSequence);
            syncDirectory();
            writer = next;
            segments.addLast(next);
        } catch (IOException e) {
            throw new QueueException(QueueException.Code.IO, "cannot start a new segment in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** After a failed write: the segment back to its last whole record, so it never keeps a partial one. */
    private void cutBack(Segment segment, long size) {
        try {
            segment.channel.truncate(size);
        } catch (IOException e) {
            // Could not even cut it back: the next open sees a torn record there and drops it.
            warnings.accept("Result queue: cannot cut " + segment.file + " back to " + size + " bytes: " + e);
        }
    }

    private int lengthAt(Position position) throws IOException {
        header.clear();
        readFully(position.segment.channel, header, position.offset);
        return header.getInt(0);
    }

    private int checksum(int length, byte[] payload) {
        crc.reset();
        crc.update(length >>> 24);
        crc.update(length >>> 16);
        crc.update(length >>> 8);
        crc.update(length);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    private long readConsumed() throws IOException {
        Path file = directory.resolve(CONSUMED);
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] content = Files.readAllBytes(file);
        if (content.length == 12) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            long sequence = buffer.getLong(0);
            crc.reset();
            crc.update(content, 0, 8);
            if ((int) crc.getValue() == buffer.getInt(8) && sequence >= 0) {
                return sequence;
            }
        }
        // Never produced by the atomic replace; if it happens, delivering again beats losing results.
        warnings.accept("Result queue: " + file + " is unreadable; every stored result is delivered again");
        return 0;
    }

    private void writeConsumed(long sequence) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(12).putLong(sequence);
        crc.reset();
        crc.update(content.array(), 0, 8);
        content.putInt((int) crc.getValue()).flip();
        Path temporary = directory.resolve(CONSUMED + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, directory.resolve(CONSUMED), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + directory + " cannot rename atomically", e);
        }
        syncDirectory();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel folder = FileChannel.open(directory, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a folder for reading; the rename is still atomic there.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            position += read;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }

    /** Where a reader is: the segment, the byte offset of its next record, and that record's sequence. */
    private static final class Position {
        Segment segment;
        long offset;
        long sequence;

        Position(Segment segment, long offset, long sequence) {
            this.segment = segment;
            this.offset = offset;
            this.sequence = sequence;
        }

        Position copy() {
            return new Position(segment, offset, sequence);
        }
    }

    /** One segment file: its first record's sequence, its whole records' count and size. */
    private static final class Segment {
        final Path file;
        final long first;
        final FileChannel channel;
        long size;
        long count;
        boolean closed;

        Segment(Path file, long first, FileChannel channel, long size, long count) {
            this.file = file;
            this.first = first;
            this.channel = channel;
            this.size = size;
            this.count = count;
        }

        static Segment create(Path directory, long first) throws IOException {
            Path file = directory.resolve(String.format("%020d", first) + SEGMENT_SUFFIX);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER_BYTES).putInt(MAGIC).putInt(FORMAT).flip();
                while (fileHeader.hasRemaining()) {
                    channel.write(fileHeader, fileHeader.position());
                }
                channel.force(true);
            } catch (IOException e) {
                channel.close();
                Files.deleteIfExists(file);
                throw e;
            }
            return new Segment(file, first, channel, FILE_HEADER_BYTES, 0);
        }

        void close() {
            closed = true;
            closeQuietly(channel);
        }
    }
}
