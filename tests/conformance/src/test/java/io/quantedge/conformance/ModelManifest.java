package io.quantedge.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What tests/models/manifest.json says about each model's inputs that random values must respect:
 * the range an input is meaningful in (a square root's argument, a divisor kept away from zero).
 */
final class ModelManifest {

    private static Map<String, Map<String, double[]>> ranges;

    private ModelManifest() {
    }

    /** Input name to [low, high] for the model at {@code file}; empty when the manifest names none. */
    static synchronized Map<String, double[]> inputRanges(Path file) throws IOException {
        if (ranges == null) {
            ranges = new HashMap<>();
            JsonObject manifest = JsonParser.parseString(Files.readString(Engines.MODELS.resolve("manifest.json")))
                    .getAsJsonObject();
            for (JsonElement model : manifest.getAsJsonArray("models")) {
                Map<String, double[]> inputs = new HashMap<>();
                for (JsonElement input : model.getAsJsonObject().getAsJsonArray("inputs")) {
                    JsonObject spec = input.getAsJsonObject();
                    if (spec.has("range")) {
                        var range = spec.getAsJsonArray("range");
                        inputs.put(spec.get("name").getAsString(),
                                new double[] {range.get(0).getAsDouble(), range.get(1).getAsDouble()});
                    }
                }
                ranges.put(model.getAsJsonObject().get("file").getAsString(), inputs);
            }
        }
        return ranges.getOrDefault(Engines.MODELS.relativize(file.toAbsolutePath().normalize()).toString(), Map.of());
    }
}
