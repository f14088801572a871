package io.quantedge.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quantedge.api.result.PublisherCounts;
import io.quantedge.mqtt.GatewayStatus;
import io.quantedge.mqtt.Mosquitto;
import io.quantedge.mqtt.MqttGatewayConnection;
import io.quantedge.mqtt.TestOptions;
import io.quantedge.results.queue.DiskQueue;
import io.quantedge.results.queue.QueueException;
import io.quantedge.results.queue.QueueLimits;
import io.quantedge.results.queue.QueuedRecord;
import io.quantedge.results.queue.WhenFull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A really full file system under the queue: a 1 MiB tmpfs (the test needs root to mount it). */
class FullDiskTest {

    @TempDir
    Path work;

    private Tmpfs tmpfs;
    private Path mount;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void mountTmpfs() throws Exception {
        tmpfs = Tmpfs.mount(work.resolve("tmpfs"), "1m").orElse(null);
        assumeTrue(tmpfs != null, "cannot mount a tmpfs here (needs root)");
        mount = tmpfs.root;
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    private static byte[] payload(int i) {
        byte[] bytes = new byte[1000];
        java.util.Arrays.fill(bytes, (byte) i);
        return bytes;
    }

    @Test
    void aFullDiskRefusesTheRecordWithACodeKeepsEveryWholeOneAndRecovers() throws Exception {
        QueueLimits limits = new QueueLimits(64 << 20, 0, 64 << 10, WhenFull.DROP_OLDEST);
        int stored = 0;
        try (DiskQueue queue = DiskQueue.open(mount.resolve("queue"), limits, warnings::add)) {
            QueueException full = null;
            while (full == null) {
                try {
                    queue.append(payload(stored));
                    stored++;
                } catch (QueueException e) {
                    full = e;
                }
            }
            assertEquals(QueueException.Code.IO, full.code(), full.getMessage());
            assertTrue(stored > 500 && stored < 1100, stored + " records of 1 KB in a 1 MiB file system");
            assertEquals(stored, queue.records());
            QueueException again = assertThrows(QueueException.class, () -> queue.append(payload(0)));
            assertEquals(QueueException.Code.IO, again.code());
            assertEquals(stored, queue.records(), "a refused record leaves no trace");
            for (int i = 0; i < stored; i++) {
                assertArrayEquals(payload(i), queue.readNext().payload());
            }
            assertNull(queue.readNext());
            // Delivering what waits frees its segments, and the queue takes records again.
            queue.ack(stored - 1);
            queue.append(payload(7));
            QueuedRecord after = queue.readNext();
            assertArrayEquals(payload(7), after.payload());
        }
        try (DiskQueue reopened = DiskQueue.open(mount.resolve("queue"), limits, warnings::add)) {
            assertEquals(1, reopened.records());
            assertArrayEquals(payload(7), reopened.readNext().payload());
        }
        assertEquals(List.of(), warnings, "no torn record: the failed writes were cut back");
    }

    @Test
    void aQueueOnAFullDiskStillOpensAndDeliversWhatWaits() throws Exception {
        QueueLimits limits = new QueueLimits(64 << 20, 0, 64 << 10, WhenFull.DROP_OLDEST);
        int stored = 0;
        try (DiskQueue queue = DiskQueue.open(mount.resolve("queue"), limits, warnings::add)) {
            try {
                while (true) {
                    queue.append(payload(stored));
                    stored++;
                }
            } catch (QueueException full) {
                assertEquals(QueueException.Code.IO, full.code());
            }
        }
        // A restart with the disk still full: no room for the fresh segment every open starts.
        try (DiskQueue reopened = DiskQueue.open(mount.resolve("queue"), limits, warnings::add)) {
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("cannot start a new segment"), warnings.get(0));
            assertEquals(stored, reopened.records());
            for (int i = 0; i < stored; i++) {
                QueuedRecord record = reopened.readNext();
                assertArrayEquals(payload(i), record.payload());
                reopened.ack(record.sequence());
            }
            reopened.append(payload(1));
            assertArrayEquals(payload(1), reopened.readNext().payload(), "delivering made room again");
        }
    }

    @Test
    void thePublisherCountsWhatTheFullDiskCannotHoldAndSaysSoOnce() throws Exception {
        RecordingLog log = new RecordingLog();
        Path store = Files.createDirectories(work.resolve("mosquitto-store"));
        // The consumer's session is saved by the broker, so what the gateway sends before the consumer is
        // back after the restart waits for it (all of it: Mosquitto keeps only 1,000 by default).
        try (Mosquitto broker = Mosquitto.start(work, List.of("persistence true",
                "persistence_location " + store + "/", "autosave_interval 1", "max_queued_messages 0"))) {
            ResultCollector collector = new ResultCollector(broker.uri(), ResultPublishingTest.TOPIC + "#");
            broker.stop();
            MqttGatewayConnection gateway = new MqttGatewayConnection(TestOptions.mqtt(Map.of("serverUris",
                    new String[] {broker.uri()}, "gatewayId", "gw-01", "reconnectMinSeconds", 1,
                    "reconnectMaxSeconds", 1)), new GatewayStatus("test"), TestOptions.loggers());
            // Stopped whatever happens: its open files would keep the tmpfs from being unmounted.
            MqttResultPublisher publisher = new MqttResultPublisher(gateway, log.logger, new PublisherSettings(1,
                    mount.resolve("queue"), new QueueLimits(64 << 20, 0, 64 << 10, WhenFull.DROP_OLDEST), 1000, 8,
                    10_000, 1024));
            try {
                int total = 6_000;
                for (int frame = 0; frame < total; frame++) {
                    publisher.publish(ResultPublishingTest.classified("door-cam", frame));
                    if (frame % 100 == 99) {
                        Thread.sleep(20); // a camera's pace, so the hand-off never overflows
                    }
                }
                awaitCounted(publisher, total);
                PublisherCounts counts = publisher.counts();
                assertTrue(counts.droppedOnError() > 0,
                        "a 1 MiB disk cannot hold 6,000 results of some 270 bytes: " + counts);
                assertEquals(total, counts.queuedRecords() + counts.droppedOnError(), counts.toString());
                assertEquals(1, log.warnings().stream().filter(w -> w.contains("cannot store results")).count(),
                        "one error for the whole episode: " + log.warnings());

                broker.start();
                List<Long> frames = collector.awaitDistinct((int) counts.queuedRecords(), 30);
                assertEquals(java.util.stream.LongStream.range(0, counts.queuedRecords()).boxed().toList(), frames,
                        "what fitted arrives, in order: the first results of the outage");
            } finally {
                publisher.stop();
                gateway.stop();
                collector.close();
            }
        }
    }

    /** Waits until every result is in the queue or counted as dropped, and has stayed so for half a second. */
    private static void awaitCounted(MqttResultPublisher publisher, int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        PublisherCounts last = null;
        while (true) {
            PublisherCounts counts = publisher.counts();
            if (counts.equals(last) && counts.queuedRecords() + counts.droppedOnError() == total) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all accounted for: " + counts);
            }
            last = counts;
            Thread.sleep(500);
        }
    }
}
