package io.quantedge.modelstore;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.quantedge.api.store.StoredVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model's {@code state.json}, the one truth about its versions: a version folder that the state
 * file does not name is a leftover of an interrupted operation. The file is only ever replaced
 * whole and atomically ({@link DurableFiles#replace}), so it is always one complete state.
 * <pre>
 * {"name": "door-cam", "active": "3", "previous": ["2"],
 *  "versions": [{"version": "2", "state": "VALIDATED", "storedAt": "2026-11-21T22:40:00Z",
 *                "model": "model.onnx", "sha256": "...", "size": 116942, "signer": "...", "failure": ""}, ...]}
 * </pre>
 */
final class StateFile {

    static final String NAME = "state.json";

    private StateFile() {
    }

    static void write(Path file, ModelState state) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("name", state.name());
        state.active().ifPresent(a -> json.addProperty("active", a));
        JsonArray previous = new JsonArray();
        state.previous().forEach(previous::add);
        json.add("previous", previous);
        JsonArray versions = new JsonArray();
        for (VersionEntry entry : state.versions()) {
            JsonObject version = new JsonObject();
            version.addProperty("version", entry.version());
            version.addProperty("state", entry.state().name());
            version.addProperty("storedAt", entry.storedAt().toString());
            version.addProperty("model", entry.modelPath());
            version.addProperty("sha256", entry.modelSha256());
            version.addProperty("size", entry.modelSize());
            entry.signer().ifPresent(s -> version.addProperty("signer", s));
            version.addProperty("failure", entry.failure());
            versions.add(version);
        }
        json.add("versions", versions);
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
        DurableFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The state in {@code file}; an {@link IOException} names what is wrong with a damaged one. */
    static ModelState read(Path file) throws IOException {
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            List<String> previous = new ArrayList<>();
            json.getAsJsonArray("previous").forEach(v -> previous.add(v.getAsString()));
            List<VersionEntry> versions = new ArrayList<>();
            for (JsonElement element : json.getAsJsonArray("versions")) {
                JsonObject v = element.getAsJsonObject();
                versions.add(new VersionEntry(v.get("version").getAsString(),
                        StoredVersion.State.valueOf(v.get("state").getAsString()),
                        Instant.parse(v.get("storedAt").getAsString()), v.get("model").getAsString(),
                        v.get("sha256").getAsString(), v.get("size").getAsLong(),
                        Optional.ofNullable(v.get("signer")).map(JsonElement::getAsString),
                        v.get("failure").getAsString()));
            }
            return new ModelState(json.get("name").getAsString(),
                    Optional.ofNullable(json.get("active")).map(JsonElement::getAsString), previous, versions);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException
                 | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }
}
