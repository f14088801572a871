package io.quantedge.results;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.quantedge.api.result.ClassScore;
import io.quantedge.api.result.Detection;
import io.quantedge.api.result.InferenceResult;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A result as the JSON message of {@code {root}/{gw}/results/{pipeline}} (docs/mqtt.md). Both lists are
 * always there, empty when the model found nothing, so a consumer never has to tell a missing key from
 * "no detections"; {@code anomalyScore} only for anomaly models.
 */
final class ResultJson {

    /** Milliseconds and a Z, as camera software (Frigate, DeepStream) writes them. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ResultJson() {
    }

    static byte[] encode(InferenceResult result) {
        JsonObject json = new JsonObject();
        json.addProperty("gateway", result.gateway());
        json.addProperty("pipeline", result.pipeline());
        json.addProperty("sensor", result.sensor());
        json.addProperty("frame", result.frame());
        json.addProperty("timestamp", TIMESTAMP.format(result.timestamp()));
        json.addProperty("model", result.model());
        json.addProperty("modelVersion", result.modelVersion());
        // Microseconds are below what a latency figure on the wire can mean; fewer digits, smaller messages.
        json.addProperty("latencyMs", Math.round(result.latencyMs() * 1000.0) / 1000.0);
        json.addProperty("backend", result.backend());
        JsonArray detections = new JsonArray(result.detections().size());
        for (Detection detection : result.detections()) {
            JsonObject item = new JsonObject();
            item.addProperty("label", detection.label());
            item.addProperty("score", detection.score());
            JsonArray box = new JsonArray(4);
            box.add(detection.x1());
            box.add(detection.y1());
            box.add(detection.x2());
            box.add(detection.y2());
            item.add("box", box);
            detections.add(item);
        }
        json.add("detections", detections);
        JsonArray classes = new JsonArray(result.classes().size());
        for (ClassScore score : result.classes()) {
            JsonObject item = new JsonObject();
            item.addProperty("label", score.label());
            item.addProperty("score", score.score());
            classes.add(item);
        }
        json.add("classes", classes);
        result.anomalyScore().ifPresent(score -> json.addProperty("anomalyScore", score));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
