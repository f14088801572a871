package io.quantedge.mqtt.update;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/** A job's state as its job topic carries it. */
final class JobReport {

    /** More missing indices than this are summarised by their count; the sender asks again after resending. */
    private static final int MISSING_LISTED = 1000;

    private JobReport() {
    }

    static JsonObject of(UpdateJob job, boolean withMissing) {
        JsonObject json = new JsonObject();
        json.addProperty("job", job.id);
        json.addProperty("model", job.request.model());
        json.addProperty("version", job.request.version());
        json.addProperty("state", job.state.name());
        json.addProperty("progress", Math.round(job.progress() * 1000) / 1000.0);
        if (withMissing && job.request.url().isEmpty()) {
            List<Integer> missing = job.missing();
            JsonArray listed = new JsonArray();
            missing.stream().limit(MISSING_LISTED).forEach(listed::add);
            json.add("missing", listed);
            json.addProperty("missingCount", missing.size());
        }
        if (job.errorCode != null) {
            JsonObject error = new JsonObject();
            error.addProperty("code", job.errorCode);
            error.addProperty("message", job.errorMessage);
            json.add("error", error);
        }
        json.addProperty("updatedAt", job.updatedAt.toString());
        return json;
    }

    /** A refusal for a job the gateway does not keep (a malformed begin, say). */
    static JsonObject refused(String job, String code, String message) {
        JsonObject json = new JsonObject();
        json.addProperty("job", job);
        json.addProperty("state", JobState.FAILED.name());
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        json.add("error", error);
        return json;
    }
}
