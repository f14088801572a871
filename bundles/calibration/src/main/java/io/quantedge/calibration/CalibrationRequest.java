package io.quantedge.calibration;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.mqtt.CommandException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@code cmd/calibrate} request, checked field by field: which model (and FP32 version; empty for
 * the active one) to quantize with the inputs of which pipeline, how many frames to calibrate on and
 * hold out, the scheme and its options, the agreement the quantized model must reach, and the
 * version it becomes (empty for {@code {version}-int8}, {@code -int4}, ... after the scheme).
 * {@code frames} is 0 for a scheme that reads no calibration frames.
 */
record CalibrationRequest(String job, String model, Optional<String> version, String pipeline, int frames,
                          int holdout, SchemeRequest scheme, double targetAgreement, Optional<String> newVersion,
                          Optional<Integer> timeoutSeconds) {

    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> FIELDS = Stream.concat(Stream.of("job", "model", "version", "pipeline", "frames",
            "holdout", "targetAgreement", "newVersion", "timeoutSeconds"), SchemeRequest.FIELDS.stream())
            .collect(Collectors.toUnmodifiableSet());

    static final int DEFAULT_FRAMES = 200;
    static final int DEFAULT_HOLDOUT = 100;
    static final double DEFAULT_TARGET = 0.99;

    /** The version a calibrated {@code version} becomes when the request names none. */
    String versionFor(String fp32Version) {
        return newVersion.orElse(fp32Version + "-" + scheme.versionSuffix());
    }

    static CalibrationRequest parse(String json, int maxFrames) throws CommandException {
        JsonObject request;
        try {
            request = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw bad("the request is not a JSON object");
        }
        for (String field : request.keySet()) {
            if (!FIELDS.contains(field)) {
                throw bad("unknown field '" + field + "'; known: " + FIELDS.stream().sorted().toList());
            }
        }
        String job = text(request, "job").orElseThrow(() -> bad("'job' is required"));
        if (!JOB.matcher(job).matches()) {
            throw bad("job id '" + job + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String model = text(request, "model").orElseThrow(() -> bad("'model' is required"));
        String pipeline = text(request, "pipeline").orElseThrow(() -> bad("'pipeline' is required"));
        Optional<String> version = text(request, "version");
        Optional<String> newVersion = text(request, "newVersion");
        if (newVersion.isPresent() && !PackageManifest.isValidName(newVersion.get())) {
            throw bad("newVersion '" + newVersion.get() + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        SchemeRequest scheme = SchemeRequest.parse(request);
        int frames = integer(request, "frames", scheme.usesFrames() ? DEFAULT_FRAMES : 0);
        int holdout = integer(request, "holdout", DEFAULT_HOLDOUT);
        if (scheme.usesFrames() ? frames < 1 : frames != 0) {
            throw bad(scheme.usesFrames() ? "frames must be at least 1, got " + frames
                    : "scheme " + scheme.name() + (scheme.isWeightOnly() ? " with rounding nearest" : "")
                    + " calibrates on no frames; leave out frames (or give 0), not " + frames);
        }
        if (holdout < 1) {
            throw bad("holdout must be at least 1, got " + holdout);
        }
        if ((long) frames + holdout > maxFrames) {
            throw new CommandException("TOO_LARGE", "frames + holdout = " + ((long) frames + holdout)
                    + " is more than this gateway's limit of " + maxFrames + " (maxFrames)");
        }
        double target = number(request, "targetAgreement", DEFAULT_TARGET);
        if (!(target >= 0 && target <= 1)) {
            throw bad("targetAgreement must be between 0 and 1, got " + target);
        }
        Optional<Integer> timeout = request.has("timeoutSeconds")
                ? Optional.of(integer(request, "timeoutSeconds", 0)) : Optional.empty();
        if (timeout.isPresent() && timeout.get() < 1) {
            throw bad("timeoutSeconds must be at least 1");
        }
        return new CalibrationRequest(job, model, version, pipeline, frames, holdout, scheme, target, newVersion,
                timeout);
    }

    static Optional<String> text(JsonObject request, String field) throws CommandException {
        JsonElement value = request.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!(value instanceof JsonPrimitive p) || !p.isString() || p.getAsString().isBlank()) {
            throw bad("'" + field + "' must be a non-empty string");
        }
        return Optional.of(p.getAsString());
    }

    static int integer(JsonObject request, String field, int otherwise) throws CommandException {
        JsonElement value = request.get(field);
        if (value == null || value.isJsonNull()) {
            return otherwise;
        }
        if (!(value instanceof JsonPrimitive p) || !p.isNumber()) {
            throw bad("'" + field + "' must be a whole number");
        }
        double d = p.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw bad("'" + field + "' must be a whole number, got " + p);
        }
        return (int) d;
    }

    static double number(JsonObject request, String field, double otherwise) throws CommandException {
        JsonElement value = request.get(field);
        if (value == null || value.isJsonNull()) {
            return otherwise;
        }
        if (!(value instanceof JsonPrimitive p) || !p.isNumber()) {
            throw bad("'" + field + "' must be a number");
        }
        return p.getAsDouble();
    }

    static boolean flag(JsonObject request, String field, boolean otherwise) throws CommandException {
        JsonElement value = request.get(field);
        if (value == null || value.isJsonNull()) {
            return otherwise;
        }
        if (!(value instanceof JsonPrimitive p) || !p.isBoolean()) {
            throw bad("'" + field + "' must be true or false");
        }
        return p.getAsBoolean();
    }

    private static CommandException bad(String message) {
        return new CommandException("BAD_REQUEST", message);
    }
}
