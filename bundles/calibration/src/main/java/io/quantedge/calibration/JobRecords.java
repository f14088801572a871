package io.quantedge.calibration;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The last report of each calibration job, one {@code {job}.json} each, replaced whole at every
 * change (written beside, forced, renamed, folder forced): after a restart the gateway knows which
 * job ids were used and publishes their reports again, those cut off ending as interrupted.
 */
final class JobRecords {

    private static final String SUFFIX = ".json";
    private static final String TEMPORARY = ".tmp";

    private final Path folder;

    JobRecords(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    synchronized void save(JsonObject report) throws IOException {
        String job = report.get("job").getAsString();
        Path target = folder.resolve(job + SUFFIX);
        Path temporary = folder.resolve(job + SUFFIX + TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(report.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Every readable record, oldest first; leftovers of an interrupted write are removed. */
    synchronized List<JsonObject> loadAll() throws IOException {
        List<JsonObject> reports = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMPORARY)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    try {
                        reports.add(JsonParser.parseString(Files.readString(file)).getAsJsonObject());
                    } catch (RuntimeException e) {
                        Files.deleteIfExists(file); // not a record this bundle wrote whole
                    }
                }
            }
        }
        reports.sort(Comparator.comparing(r -> r.get("updatedAt").getAsString()));
        return reports;
    }

    synchronized void delete(String job) throws IOException {
        Files.deleteIfExists(folder.resolve(job + SUFFIX));
    }
}
