package io.quantedge.sensor.folder;

import static io.quantedge.sensor.frames.TestFrames.await;
import static io.quantedge.sensor.frames.TestFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.sensor.Frame;
import io.quantedge.api.sensor.SensorConfigurationException;
import io.quantedge.sensor.frames.TestImages;
import io.quantedge.sensor.frames.TestOptions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFolderTest {

    private static final List<byte[]> JPEGS = TestImages.encoded(1000, "jpeg");
    private static final List<byte[]> PNGS = TestImages.encoded(50, "png");

    @TempDir
    Path temp;

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    /** What each image file held when written, by name: what its frame must carry. */
    private final Map<String, byte[]> written = new ConcurrentHashMap<>();

    private SnapshotFolder folder(Map<String, Object> more) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("quantedge_sensor_id", "drop-test",
                "directory", temp.resolve("in").toString(), "settleMillis", 300, "abandonSeconds", 2,
                "rescanSeconds", 1, "failedDirectory", temp.resolve("failed").toString(),
                "stateFile", temp.resolve("state/drop-test.processed").toString()));
        values.putAll(more);
        return new SnapshotFolder(FolderSettings.of(TestOptions.of(SnapshotFolderOptions.class, values), null),
                TestOptions.logger());
    }

    private void writeAtomically(String name, byte[] data) throws Exception {
        Path temporary = temp.resolve("in").resolve("." + name + ".tmp");
        Files.write(temporary, data);
        Files.move(temporary, temp.resolve("in").resolve(name), StandardCopyOption.ATOMIC_MOVE);
        written.put(name, data);
    }

    /** Three writes with pauses between, the first longer than the settle time. */
    private Thread writeSlowly(String name, byte[] data) {
        written.put(name, data);
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(temp.resolve("in").resolve(name))) {
                int third = data.length / 3;
                out.write(data, 0, third);
                out.flush();
                Thread.sleep(700);
                out.write(data, third, third);
                out.flush();
                Thread.sleep(150);
                out.write(data, 2 * third, data.length - 2 * third);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        return writer;
    }

    private Map<String, Long> deliveredByName() {
        return frames.stream().collect(Collectors.groupingBy(f -> f.attributes().get(SnapshotFolder.FILE),
                Collectors.counting()));
    }

    @Test
    void everyImageIsDeliveredOnceWhateverWayItWasWrittenAndBadFilesAreReported() throws Exception {
        Files.createDirectories(temp.resolve("in"));
        SnapshotFolder folder = folder(Map.of());
        folder.start(frames::add);
        try {
            for (int i = 0; i < 20; i++) {
                boolean jpeg = i % 2 == 0;
                writeAtomically("atomic-" + i + (jpeg ? ".jpg" : ".png"), jpeg ? JPEGS.get(i) : PNGS.get(i));
            }
            List<Thread> slow = List.of(writeSlowly("slow-0.jpg", JPEGS.get(100)),
                    writeSlowly("slow-1.png", PNGS.get(1)), writeSlowly("slow-2.JPEG", JPEGS.get(102)));
            for (int i = 0; i < 1000; i++) { // the burst: plain writes, some caught half written
                String name = String.format("burst-%04d.jpg", i);
                Files.write(temp.resolve("in").resolve(name), JPEGS.get(i));
                written.put(name, JPEGS.get(i));
            }
            Files.writeString(temp.resolve("in").resolve("notes.txt"), "not a picture");
            Files.write(temp.resolve("in").resolve("Thumbs.db"), new byte[] {1, 2, 3});
            Files.write(temp.resolve("in").resolve("broken.jpg"), TestImages.corruptJpeg(JPEGS.get(5)));
            Files.write(temp.resolve("in").resolve("cut.png"), Arrays.copyOf(PNGS.get(7), PNGS.get(7).length / 2));
            for (Thread writer : slow) {
                writer.join();
            }
            int images = written.size();
            assertEquals(1023, images);
            await(() -> frames.size() >= images && folder.statistics().rejected() >= 4, "every image and 4 bad files");
            Thread.sleep(2500); // two more rescans: nothing more may come
        } finally {
            folder.stop();
        }
        Map<String, Long> byName = deliveredByName();
        assertEquals(written.keySet(), byName.keySet());
        assertTrue(byName.values().stream().allMatch(n -> n == 1), "delivered more than once: " + byName.entrySet()
                .stream().filter(e -> e.getValue() > 1).toList());
        for (Frame frame : frames) {
            byte[] expected = written.get(frame.attributes().get(SnapshotFolder.FILE));
            assertArrayEquals(expected, bytes(frame.payload()), frame.attributes().toString());
            assertEquals(expected[0] == (byte) 0x89 ? Frame.PNG : Frame.JPEG, frame.mediaType());
        }
        assertEquals(4, folder.statistics().rejected(), folder.statistics().toString());
        assertEquals(Set.of("broken.jpg", "cut.png"), names(temp.resolve("failed")));
        assertTrue(Files.exists(temp.resolve("in/notes.txt")), "other files are left alone");
        assertTrue(Files.exists(temp.resolve("in/burst-0999.jpg")), "kept by default");
    }

    /** A file that is not an image is judged by its name, so it is reported once however often it changes. */
    @Test
    void aFileThatIsNotAnImageIsReportedOnceHoweverItChanges() throws Exception {
        Path in = Files.createDirectories(temp.resolve("in"));
        SnapshotFolder folder = folder(Map.of());
        folder.start(frames::add);
        try {
            Path notes = Files.createFile(in.resolve("notes.txt"));
            await(() -> folder.statistics().rejected() >= 1, "the text file reported");
            Files.writeString(notes, "written after it was created");
            Files.setLastModifiedTime(notes, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 5000));
            writeAtomically("after.jpg", JPEGS.get(1));
            await(() -> frames.size() >= 1, "the image after it");
            Thread.sleep(1500); // a full listing and more
        } finally {
            folder.stop();
        }
        assertEquals(1, folder.statistics().rejected(), folder.statistics().toString());
    }

    @Test
    void keptFilesAreRememberedAcrossARestart() throws Exception {
        Files.createDirectories(temp.resolve("in"));
        for (int i = 0; i < 30; i++) {
            writeAtomically("kept-" + i + ".jpg", JPEGS.get(i));
        }
        SnapshotFolder first = folder(Map.of());
        first.start(frames::add);
        try {
            await(() -> frames.size() >= 30, "30 frames");
        } finally {
            first.stop();
        }
        assertTrue(Files.readString(temp.resolve("state/drop-test.processed")).contains("kept-29.jpg"));

        frames.clear();
        SnapshotFolder second = folder(Map.of());
        second.start(frames::add);
        try {
            Thread.sleep(1500); // a full listing and more: the kept files must not come again
            assertEquals(0, frames.size(), deliveredByName().toString());
            writeAtomically("new.jpg", JPEGS.get(40));
            Files.setLastModifiedTime(temp.resolve("in/kept-3.jpg"), java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 5000)); // the camera wrote it again
            await(() -> frames.size() >= 2, "the new file and the rewritten one");
            Thread.sleep(1200);
        } finally {
            second.stop();
        }
        assertEquals(Map.of("new.jpg", 1L, "kept-3.jpg", 1L), deliveredByName());
    }

    @Test
    void processedFilesAreMovedOrDeleted() throws Exception {
        for (String mode : List.of("move", "delete")) {
            frames.clear();
            Path in = temp.resolve("in");
            Files.createDirectories(in);
            for (int i = 0; i < 10; i++) {
                writeAtomically(mode + "-" + i + ".jpg", JPEGS.get(i));
            }
            Files.writeString(in.resolve(mode + ".txt"), "left alone");
            SnapshotFolder folder = folder(Map.of("afterProcessing", mode, "doneDirectory",
                    temp.resolve("done").toString()));
            folder.start(frames::add);
            try {
                await(() -> frames.size() >= 10, "10 frames");
                await(() -> names(in).stream().noneMatch(n -> n.endsWith(".jpg")), "no image left");
            } finally {
                folder.stop();
            }
            assertEquals(10, deliveredByName().size());
            assertTrue(names(in).contains(mode + ".txt"), "other files are left alone");
        }
        assertEquals(10, names(temp.resolve("done")).size(), "moved, then the deleted ones not");
    }

    @Test
    void badOptionsAreRefusedWithTheirCode() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("quantedge_sensor_id", "drop"),
                Map.of("quantedge_sensor_id", "drop", "directory", "/tmp/x", "afterProcessing", "move"),
                Map.of("quantedge_sensor_id", "drop", "directory", "/tmp/x", "afterProcessing", "archive"),
                Map.of("quantedge_sensor_id", "drop", "directory", "/tmp/x", "failedDirectory", "/tmp/x"),
                Map.of("quantedge_sensor_id", "drop", "directory", "/tmp/x", "extensions", new String[0]))) {
            SensorConfigurationException e = assertThrows(SensorConfigurationException.class,
                    () -> FolderSettings.of(TestOptions.of(SnapshotFolderOptions.class, bad), null), bad.toString());
            assertEquals(SensorConfigurationException.BAD_SENSOR_CONFIG, e.code());
        }
    }

    private static Set<String> names(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            return Set.of();
        }
    }
}
