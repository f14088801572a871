package io.quantedge.mqtt.update;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Jobs on disk, one folder each under the staging folder: {@code job.json} (replaced atomically
 * after every change, so a restart finds the last recorded state) and, while receiving, the
 * package being assembled. A chunk is marked received only after its bytes were forced to disk.
 */
final class JobFiles {

    static final String PACKAGE = "package.qmp";
    private static final String RECORD = "job.json";

    private final Path root;

    JobFiles(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    Path root() {
        return root;
    }

    Path folder(String job) {
        return root.resolve(job);
    }

    Path packageFile(String job) {
        return folder(job).resolve(PACKAGE);
    }

    synchronized void save(UpdateJob job) throws IOException {
        Path folder = Files.createDirectories(folder(job.id));
        AtomicFiles.write(folder.resolve(RECORD), toJson(job).toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Every job whose record can be read; unreadable leftovers (a folder made just before a crash) are removed. */
    List<UpdateJob> loadAll(UpdateOptions limits) throws IOException {
        List<UpdateJob> jobs = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                Optional<UpdateJob> job = read(folder, limits);
                if (job.isPresent()) {
                    jobs.add(job.get());
                } else {
                    deleteTree(folder);
                }
            }
        }
        return jobs;
    }

    /** Removes a job's package (its record stays, so the job id keeps its outcome). */
    void dropPackage(String job) throws IOException {
        Files.deleteIfExists(packageFile(job));
    }

    /** Removes the oldest finished jobs beyond {@code kept}; returns their ids. */
    List<String> pruneFinished(List<UpdateJob> jobs, int kept) throws IOException {
        List<UpdateJob> finished = jobs.stream().filter(j -> j.state.finished())
                .sorted(Comparator.comparing((UpdateJob j) -> j.updatedAt).reversed()).toList();
        List<String> pruned = new ArrayList<>();
        for (UpdateJob old : finished.subList(Math.min(kept, finished.size()), finished.size())) {
            deleteTree(folder(old.id));
            pruned.add(old.id);
        }
        return pruned;
    }

    void delete(String job) throws IOException {
        deleteTree(folder(job));
    }

    private Optional<UpdateJob> read(Path folder, UpdateOptions limits) {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, "*" + AtomicFiles.TEMPORARY)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover); // a write a crash cut short; job.json is the last complete one
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(folder.resolve(RECORD))).getAsJsonObject();
            UpdateRequest request = UpdateRequest.checked(json.get("model").getAsString(),
                    json.get("version").getAsString(), json.get("sizeBytes").getAsLong(),
                    json.get("sha256").getAsString(), json.get("chunkBytes").getAsInt(), json.get("chunks").getAsInt(),
                    Optional.ofNullable(json.get("url")).map(JsonElement::getAsString), limits);
            BitSet received = new BitSet();
            for (JsonElement index : json.getAsJsonArray("received")) {
                received.set(index.getAsInt());
            }
            return Optional.of(new UpdateJob(folder.getFileName().toString(), request, received,
                    JobState.valueOf(json.get("state").getAsString()), optional(json, "errorCode"),
                    optional(json, "errorMessage"), Instant.parse(json.get("updatedAt").getAsString())));
        } catch (IOException | RuntimeException | UpdateException e) {
            return Optional.empty();
        }
    }

    private static String optional(JsonObject json, String field) {
        JsonElement value = json.get(field);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    private static JsonObject toJson(UpdateJob job) {
        JsonObject json = new JsonObject();
        UpdateRequest request = job.request;
        json.addProperty("model", request.model());
        json.addProperty("version", request.version());
        json.addProperty("sizeBytes", request.sizeBytes());
        json.addProperty("sha256", request.sha256());
        json.addProperty("chunkBytes", request.chunkBytes());
        json.addProperty("chunks", request.chunks());
        request.url().ifPresent(url -> json.addProperty("url", url));
        JsonArray received = new JsonArray();
        job.received.stream().forEach(received::add);
        json.add("received", received);
        json.addProperty("state", job.state.name());
        json.addProperty("errorCode", job.errorCode);
        json.addProperty("errorMessage", job.errorMessage);
        json.addProperty("updatedAt", job.updatedAt.toString());
        return json;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
