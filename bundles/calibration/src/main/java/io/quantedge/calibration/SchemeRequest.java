package io.quantedge.calibration;

import com.google.gson.JsonObject;
import io.quantedge.api.mqtt.CommandException;
import io.quantedge.quantize.BlockwiseWeightOnly;
import io.quantedge.quantize.BlockwiseWeightOnly.Format;
import io.quantedge.quantize.BlockwiseWeightOnly.Rounding;
import io.quantedge.quantize.Granularity;
import io.quantedge.quantize.Scheme;
import io.quantedge.quantize.W8A8Static;
import io.quantedge.quantize.W8Dynamic;
import io.quantedge.quantize.calibration.Calibrators;
import java.util.List;
import java.util.Set;

/**
 * The scheme part of a {@code cmd/calibrate} request and the options that belong to it:
 * {@code w8a8} (calibrator, per channel or per tensor, bias correction), {@code w8-dynamic} (per
 * channel or per tensor), {@code w4} and {@code nf4} (block size, rounding, and for w4 the
 * accuracy level). An option of another scheme is refused rather than ignored, so a request never
 * silently means less than it says.
 */
record SchemeRequest(String name, String calibrator, boolean perChannel, boolean biasCorrection, int blockSize,
                     Rounding rounding, int accuracyLevel) {

    static final String W8A8 = "w8a8";
    static final String W8_DYNAMIC = "w8-dynamic";
    static final String W4 = "w4";
    static final String NF4 = "nf4";
    static final List<String> NAMES = List.of(W8A8, W8_DYNAMIC, W4, NF4);
    static final Set<String> FIELDS = Set.of("scheme", "calibrator", "perChannel", "biasCorrection", "blockSize",
            "rounding", "accuracyLevel");
    static final String DEFAULT_CALIBRATOR = "percentile";

    static SchemeRequest parse(JsonObject request) throws CommandException {
        String name = CalibrationRequest.text(request, "scheme").orElse(W8A8);
        if (!NAMES.contains(name)) {
            throw new CommandException("UNSUPPORTED_SCHEME", "scheme '" + name + "'; the gateway makes "
                    + String.join(", ", NAMES) + " (qat models are quantized by their training, not here)");
        }
        boolean eightBit = name.equals(W8A8) || name.equals(W8_DYNAMIC);
        refuseUnless(request, name, name.equals(W8A8), "calibrator", "biasCorrection");
        refuseUnless(request, name, eightBit, "perChannel");
        refuseUnless(request, name, !eightBit, "blockSize", "rounding");
        refuseUnless(request, name, name.equals(W4), "accuracyLevel");

        String calibrator = CalibrationRequest.text(request, "calibrator").orElse(DEFAULT_CALIBRATOR);
        if (!Calibrators.NAMES.contains(calibrator)) {
            throw bad("calibrator '" + calibrator + "'; known: " + String.join(", ", Calibrators.NAMES));
        }
        int blockSize = CalibrationRequest.integer(request, "blockSize", BlockwiseWeightOnly.DEFAULT_BLOCK_SIZE);
        if (!BlockwiseWeightOnly.isValidBlockSize(blockSize)) {
            throw bad("blockSize is 32, 64 or 128, not " + blockSize);
        }
        String roundingText = CalibrationRequest.text(request, "rounding").orElse("nearest");
        Rounding rounding = Rounding.labelled(roundingText).orElseThrow(
                () -> bad("rounding is nearest or gptq, not '" + roundingText + "'"));
        int accuracyLevel = name.equals(W4) ? CalibrationRequest.integer(request, "accuracyLevel",
                BlockwiseWeightOnly.INT8_ACCURACY_LEVEL) : 0;
        if (accuracyLevel != 0 && accuracyLevel != BlockwiseWeightOnly.INT8_ACCURACY_LEVEL) {
            throw bad("accuracyLevel is 0 (float activations) or 4 (int8 activations), not " + accuracyLevel);
        }
        return new SchemeRequest(name, calibrator, CalibrationRequest.flag(request, "perChannel", true),
                CalibrationRequest.flag(request, "biasCorrection", false), blockSize, rounding, accuracyLevel);
    }

    private static void refuseUnless(JsonObject request, String scheme, boolean allowed, String... fields)
            throws CommandException {
        for (String field : fields) {
            if (!allowed && request.has(field)) {
                throw bad("'" + field + "' does not go with scheme " + scheme);
            }
        }
    }

    private static CommandException bad(String message) {
        return new CommandException("BAD_REQUEST", message);
    }

    /**
     * Whether the scheme reads the calibration frames: w8a8 calibrates ranges, GPTQ measures each
     * layer's inputs; w8-dynamic and round-to-nearest 4-bit weights need nothing but the model.
     */
    boolean usesFrames() {
        return name.equals(W8A8) || (isWeightOnly() && rounding == Rounding.GPTQ);
    }

    boolean isWeightOnly() {
        return name.equals(W4) || name.equals(NF4);
    }

    /** What a version made with this scheme is called after the FP32 one, unless the request names it. */
    String versionSuffix() {
        return switch (name) {
            case W8_DYNAMIC -> "int8-dynamic";
            case W4 -> "int4";
            case NF4 -> "nf4";
            default -> "int8";
        };
    }

    Granularity weights() {
        return perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
    }

    /** The quantizer's scheme this request asks for. */
    Scheme scheme() {
        return switch (name) {
            case W8A8 -> new W8A8Static(weights());
            case W8_DYNAMIC -> new W8Dynamic(weights());
            default -> new BlockwiseWeightOnly(name.equals(W4) ? Format.W4 : Format.NF4, blockSize, accuracyLevel,
                    rounding);
        };
    }

    /** The scheme's fields of the job report: the options that applied, and only those. */
    void describe(JsonObject report, String calibratorUsed) {
        report.addProperty("scheme", name);
        if (name.equals(W8A8)) {
            report.addProperty("calibrator", calibratorUsed);
            report.addProperty("biasCorrection", biasCorrection);
        }
        if (!isWeightOnly()) {
            report.addProperty("perChannel", perChannel);
            return;
        }
        report.addProperty("blockSize", blockSize);
        report.addProperty("rounding", rounding.label());
        if (name.equals(W4)) {
            report.addProperty("accuracyLevel", accuracyLevel);
        }
    }
}
