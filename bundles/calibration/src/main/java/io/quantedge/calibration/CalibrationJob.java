package io.quantedge.calibration;

import com.google.gson.JsonObject;
import java.time.Instant;

/**
 * One calibration job as its job topic shows it: the request's essentials, where it stands, the
 * frames collected so far, the final report's figures once known, and the error that ended it.
 * Changed by the job's thread; read (as JSON) by whoever publishes or answers about it.
 */
final class CalibrationJob {

    final String id;
    final String model;
    final String fromVersion;
    final String version;
    final String pipeline;
    final int framesWanted;
    private CalibrationState state = CalibrationState.COLLECTING;
    private int framesCollected;
    private JsonObject report;
    private String errorCode;
    private String errorMessage;
    private Instant updatedAt = Instant.now();
    private volatile boolean cancelled;

    CalibrationJob(String id, String model, String fromVersion, String version, String pipeline, int framesWanted) {
        this.id = id;
        this.model = model;
        this.fromVersion = fromVersion;
        this.version = version;
        this.pipeline = pipeline;
        this.framesWanted = framesWanted;
    }

    synchronized CalibrationState state() {
        return state;
    }

    synchronized void moveTo(CalibrationState next) {
        state = next;
        updatedAt = Instant.now();
    }

    synchronized void collected(int frames) {
        framesCollected = frames;
        updatedAt = Instant.now();
    }

    /** The figures of the calibration, in the final report. */
    synchronized void report(JsonObject figures) {
        report = figures.deepCopy();
    }

    synchronized void end(CalibrationState end, String code, String message) {
        state = end;
        errorCode = code;
        errorMessage = message;
        updatedAt = Instant.now();
    }

    /** Asks the job to stop; true when it still could (it has not begun activating). */
    synchronized boolean cancel() {
        if (state.finished() || state == CalibrationState.ACTIVATING) {
            return false;
        }
        cancelled = true;
        return true;
    }

    boolean cancelled() {
        return cancelled;
    }

    synchronized JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("job", id);
        json.addProperty("kind", "calibration");
        json.addProperty("model", model);
        json.addProperty("version", version);
        json.addProperty("fromVersion", fromVersion);
        json.addProperty("pipeline", pipeline);
        json.addProperty("state", state.name());
        json.addProperty("framesCollected", framesCollected);
        json.addProperty("framesWanted", framesWanted);
        json.addProperty("progress", Math.round(1000.0 * progress()) / 1000.0);
        if (report != null) {
            json.add("report", report.deepCopy());
        }
        if (errorCode != null) {
            JsonObject error = new JsonObject();
            error.addProperty("code", errorCode);
            error.addProperty("message", errorMessage);
            json.add("error", error);
        }
        json.addProperty("updatedAt", updatedAt.toString());
        return json;
    }

    /** Collecting is the first half of the work, the rest the second; a finished job is done. */
    private double progress() {
        return switch (state) {
            case COLLECTING -> 0.5 * framesCollected / framesWanted;
            case CALIBRATING -> 0.6;
            case VALIDATING -> 0.8;
            case ACTIVATING -> 0.9;
            default -> 1.0;
        };
    }

    /** A job read back from its record: its last report, with an unfinished one ended as interrupted. */
    static JsonObject interrupted(JsonObject last) {
        JsonObject json = last.deepCopy();
        json.addProperty("state", CalibrationState.FAILED.name());
        JsonObject error = new JsonObject();
        error.addProperty("code", "INTERRUPTED");
        error.addProperty("message", "the gateway restarted while the job was " + last.get("state").getAsString()
                + "; nothing was activated; send the request again");
        json.add("error", error);
        json.addProperty("updatedAt", Instant.now().toString());
        return json;
    }
}
