package io.quantedge.results.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk queue: order, acknowledgement, segments, recovery from what a crash leaves, capacity. */
class DiskQueueTest {

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private static final QueueLimits ROOMY = new QueueLimits(1 << 20, 0, 4096, WhenFull.DROP_OLDEST);

    private DiskQueue open(QueueLimits limits) throws QueueException {
        return DiskQueue.open(dir, limits, warnings::add);
    }

    private static byte[] payload(int i) {
        return ("record-" + i + "-" + "x".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(QueuedRecord record) {
        return new String(record.payload(), StandardCharsets.UTF_8);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(DiskQueue.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    @Test
    void readsBackInOrderAcrossSegmentsAndAcknowledgesAPrefix() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            for (int i = 0; i < 500; i++) {
                assertTrue(queue.append(payload(i)));
            }
            assertTrue(segments().size() > 3, "500 records in 4 KiB segments roll over: " + segments());
            assertEquals(500, queue.records());
            for (int i = 0; i < 500; i++) {
                QueuedRecord record = queue.readNext();
                assertEquals(i, record.sequence());
                assertArrayEquals(payload(i), record.payload());
            }
            assertNull(queue.readNext(), "nothing beyond the tail");
            assertEquals(500, queue.readAhead());
            assertTrue(queue.ack(299));
            assertEquals(200, queue.records());
            queue.rewind();
            assertEquals(300, queue.readNext().sequence(), "a rewind starts at the first unacknowledged record");
            assertFalse(queue.ack(10), "an acknowledged record is not waiting any more");
        }
    }

    @Test
    void deletesSegmentsOnceEveryRecordInThemIsAcknowledged() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            for (int i = 0; i < 300; i++) {
                queue.append(payload(i));
            }
            int before = segments().size();
            QueuedRecord last = null;
            for (QueuedRecord r = queue.readNext(); r != null; r = queue.readNext()) {
                last = r;
            }
            queue.ack(last.sequence());
            assertEquals(0, queue.records());
            assertEquals(0, queue.bytes());
            assertTrue(segments().size() == 1 && before > 1, "only the segment being written stays: " + segments());
        }
    }

    @Test
    void aReopenedQueueContinuesAfterTheLastSyncedAcknowledgement() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            for (int i = 0; i < 100; i++) {
                queue.append(payload(i));
            }
            for (int i = 0; i < 40; i++) {
                queue.readNext();
            }
            queue.ack(39);
        }
        try (DiskQueue queue = open(ROOMY)) {
            assertEquals(60, queue.records());
            QueuedRecord next = queue.readNext();
            assertEquals(40, next.sequence());
            assertArrayEquals(payload(40), next.payload());
            queue.append(payload(100));
            int count = 1;
            long previous = next.sequence();
            for (QueuedRecord r = queue.readNext(); r != null; r = queue.readNext()) {
                assertTrue(r.sequence() > previous, "sequences rise across a reopen");
                previous = r.sequence();
                count++;
            }
            assertEquals(61, count);
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aTornLastRecordIsDroppedWithAWarningAndTheRestKept() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            for (int i = 0; i < 10; i++) {
                queue.append(payload(i));
            }
        }
        Path segment = segments().get(0);
        long length = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(length - 3); // the power went in the middle of the last record
        }
        try (DiskQueue queue = open(ROOMY)) {
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("torn record"), warnings.get(0));
            assertEquals(9, queue.records());
            for (int i = 0; i < 9; i++) {
                assertArrayEquals(payload(i), queue.readNext().payload());
            }
            queue.append(payload(99));
            assertArrayEquals(payload(99), queue.readNext().payload(), "appends go on after the cut");
        }
        warnings.clear();
        try (DiskQueue queue = open(ROOMY)) {
            assertTrue(warnings.isEmpty(), "the segment was cut back, so the warning comes once: " + warnings);
            assertEquals(10, queue.records());
        }
    }

    @Test
    void aGarbledRecordEndsItsSegmentThereButLaterSegmentsAreKept() throws Exception {
        try (DiskQueue queue = open(new QueueLimits(1 << 20, 0, 1024, WhenFull.DROP_OLDEST))) {
            for (int i = 0; i < 60; i++) {
                queue.append(payload(i));
            }
        }
        Path first = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            // Third record's payload: 2 records of (8 + payload) bytes after the 8-byte file header.
            long third = DiskQueue.FILE_HEADER_BYTES + 2L * DiskQueue.RECORD_HEADER_BYTES + payload(0).length
                    + payload(1).length;
            file.seek(third + DiskQueue.RECORD_HEADER_BYTES + 2);
            file.write('!');
        }
        try (DiskQueue queue = open(ROOMY)) {
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("checksum"), warnings.get(0));
            assertArrayEquals(payload(0), queue.readNext().payload());
            assertArrayEquals(payload(1), queue.readNext().payload());
            QueuedRecord afterTheDamage = queue.readNext();
            assertTrue(afterTheDamage.sequence() > 2, "record 2 and the rest of its segment are gone");
            assertArrayEquals(payload((int) afterTheDamage.sequence()), afterTheDamage.payload());
            long previous = afterTheDamage.sequence();
            for (QueuedRecord r = queue.readNext(); r != null; r = queue.readNext()) {
                assertEquals(previous + 1, r.sequence(), "later segments are whole");
                assertArrayEquals(payload((int) r.sequence()), r.payload());
                previous = r.sequence();
            }
            assertEquals(59, previous);
        }
    }

    @Test
    void aSegmentWhoseCreationWasInterruptedIsRemovedAndAForeignFileMovedAside() throws Exception {
        Files.write(dir.resolve(String.format("%020d", 7) + DiskQueue.SEGMENT_SUFFIX), new byte[] {0x51, 0x45});
        Files.writeString(dir.resolve(String.format("%020d", 3) + DiskQueue.SEGMENT_SUFFIX), "not a segment at all");
        try (DiskQueue queue = open(ROOMY)) {
            assertEquals(0, queue.records());
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(Files.exists(dir.resolve(String.format("%020d", 3) + DiskQueue.SEGMENT_SUFFIX + ".unreadable")));
            queue.append(payload(1));
            assertArrayEquals(payload(1), queue.readNext().payload());
        }
    }

    @Test
    void anUnreadableConsumedPositionDeliversEverythingAgainRatherThanLosingIt() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            for (int i = 0; i < 20; i++) {
                queue.append(payload(i));
            }
            for (int i = 0; i < 5; i++) {
                queue.readNext();
            }
            queue.ack(4);
        }
        Files.writeString(dir.resolve(DiskQueue.CONSUMED), "garbage!");
        try (DiskQueue queue = open(ROOMY)) {
            assertEquals(1, warnings.size(), warnings.toString());
            assertEquals(20, queue.records());
            assertEquals(0, queue.readNext().sequence());
        }
    }

    @Test
    void whenFullTheOldestRecordsGiveWayAndAreCounted() throws Exception {
        try (DiskQueue queue = open(new QueueLimits(1 << 20, 10, 4096, WhenFull.DROP_OLDEST))) {
            for (int i = 0; i < 25; i++) {
                assertTrue(queue.append(payload(i)));
            }
            assertEquals(10, queue.records());
            assertEquals(15, queue.droppedOldest());
            for (int i = 15; i < 25; i++) {
                assertArrayEquals(payload(i), queue.readNext().payload());
            }
            assertNull(queue.readNext());
        }
    }

    @Test
    void recordsAlreadyReadAndThenDroppedAreNotReadAgain() throws Exception {
        try (DiskQueue queue = open(new QueueLimits(1 << 20, 5, 4096, WhenFull.DROP_OLDEST))) {
            for (int i = 0; i < 5; i++) {
                queue.append(payload(i));
            }
            assertEquals(0, queue.readNext().sequence());
            assertEquals(1, queue.readNext().sequence());
            for (int i = 5; i < 9; i++) {
                queue.append(payload(i)); // drops 0..3, two of which were being sent
            }
            assertEquals(4, queue.readNext().sequence(), "the reader skips what was dropped under it");
            assertFalse(queue.ack(1), "a dropped record's acknowledgement says it was not waiting");
            queue.rewind();
            assertEquals(4, queue.readNext().sequence());
        }
    }

    @Test
    void whenFullNewRecordsCanBeRefusedInstead() throws Exception {
        try (DiskQueue queue = open(new QueueLimits(1 << 20, 10, 4096, WhenFull.DROP_NEWEST))) {
            for (int i = 0; i < 25; i++) {
                assertEquals(i < 10, queue.append(payload(i)));
            }
            assertEquals(15, queue.droppedNewest());
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(payload(i), queue.readNext().payload());
            }
        }
    }

    @Test
    void theByteCapacityCountsHeadersAndPayloads() throws Exception {
        byte[] hundred = new byte[100];
        try (DiskQueue queue = open(new QueueLimits(2048, 0, 4096, WhenFull.DROP_OLDEST))) {
            for (int i = 0; i < 50; i++) {
                queue.append(hundred);
            }
            assertEquals(2048 / 108, queue.records());
            assertEquals(queue.records() * 108, queue.bytes());
            assertEquals(50 - 2048 / 108, queue.droppedOldest());
        }
    }

    @Test
    void aRecordLargerThanTheQueueIsRefusedWithACode() throws Exception {
        try (DiskQueue queue = open(new QueueLimits(2048, 0, 4096, WhenFull.DROP_OLDEST))) {
            QueueException e = assertThrows(QueueException.class, () -> queue.append(new byte[4000]));
            assertEquals(QueueException.Code.RECORD_TOO_LARGE, e.code());
            assertEquals(0, queue.records());
        }
    }

    @Test
    void aSecondOpenOfTheSameFolderIsRefused() throws Exception {
        try (DiskQueue queue = open(ROOMY)) {
            QueueException e = assertThrows(QueueException.class, () -> open(ROOMY));
            assertEquals(QueueException.Code.IN_USE, e.code());
        }
        open(ROOMY).close();
    }
}
