package io.quantedge.quantize.cli;

import io.quantedge.api.graph.Graph;
import io.quantedge.quantize.BlockwiseWeightOnly;
import io.quantedge.quantize.BlockwiseWeightOnly.Format;
import io.quantedge.quantize.BlockwiseWeightOnly.Rounding;
import io.quantedge.quantize.eval.ModelMetrics;
import io.quantedge.quantize.graph.BatchNormFolding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code quantize} options of the 4-bit weight-only schemes ({@code --scheme w4|nf4},
 * {@code --block-size}, {@code --rounding}, {@code --accuracy-level}), and what the summary and
 * the report say about them. Options of one family given with a scheme of the other are refused,
 * so a command line never silently means less than it says.
 */
final class WeightOnlyOptions {

    static final List<String> SCHEMES = List.of("w8a8", "w8-dynamic", "w4", "nf4", "qat");
    /** Options that only the 8-bit schemes read. */
    private static final List<String> W8A8_ONLY = List.of("per-channel", "per-tensor", "calibrator", "percentile",
            "bias-correction", "target-agreement", "holdout", "equalize");
    /** Options that only the weight-only schemes read. */
    private static final List<String> WEIGHT_ONLY = List.of("block-size", "rounding", "accuracy-level");

    private WeightOnlyOptions() {
    }

    /** The weight-only scheme asked for, or null for the 8-bit schemes. */
    static BlockwiseWeightOnly parse(Arguments a) throws UsageException {
        String scheme = a.one("scheme", "w8a8");
        if (!SCHEMES.contains(scheme)) {
            throw new UsageException("--scheme is one of " + String.join(", ", SCHEMES) + ", not '" + scheme + "'");
        }
        if (!scheme.equals("w4") && !scheme.equals("nf4")) {
            for (String option : WEIGHT_ONLY) {
                if (a.flag(option)) {
                    throw new UsageException("--" + option + " goes with --scheme w4 or nf4");
                }
            }
            return null;
        }
        for (String option : W8A8_ONLY) {
            if (a.flag(option)) {
                throw new UsageException("--" + option + " goes with --scheme w8a8, not " + scheme
                        + " (4-bit weights, float activations: nothing to calibrate or equalize)");
            }
        }
        Format format = scheme.equals("w4") ? Format.W4 : Format.NF4;
        String blockText = a.one("block-size", String.valueOf(BlockwiseWeightOnly.DEFAULT_BLOCK_SIZE));
        int blockSize;
        try {
            blockSize = Integer.parseInt(blockText);
        } catch (NumberFormatException e) {
            blockSize = -1;
        }
        if (!BlockwiseWeightOnly.isValidBlockSize(blockSize)) {
            throw new UsageException("--block-size is 32, 64 or 128, not '" + blockText + "'");
        }
        String roundingText = a.one("rounding", "nearest");
        Rounding rounding = Rounding.labelled(roundingText).orElseThrow(
                () -> new UsageException("--rounding is nearest or gptq, not '" + roundingText + "'"));
        String levelText = a.one("accuracy-level", null);
        int accuracyLevel = BlockwiseWeightOnly.INT8_ACCURACY_LEVEL;
        if (levelText != null) {
            if (format != Format.W4) {
                throw new UsageException("--accuracy-level goes with --scheme w4 (MatMulNBits)");
            }
            if (!levelText.equals("0") && !levelText.equals("4")) {
                throw new UsageException("--accuracy-level is 0 (float activations) or 4 (int8 activations), not '"
                        + levelText + "'");
            }
            accuracyLevel = Integer.parseInt(levelText);
        }
        return new BlockwiseWeightOnly(format, blockSize, format == Format.W4 ? accuracyLevel : 0, rounding);
    }

    /** One line: the format, block size, rounding and compute path. */
    static String describe(BlockwiseWeightOnly scheme) {
        String format = scheme.format() == Format.W4 ? "w4: INT4 weights in MatMulNBits" : "nf4: NormalFloat-4 weights";
        String compute = scheme.format() != Format.W4 ? ""
                : scheme.accuracyLevel() >= BlockwiseWeightOnly.INT8_ACCURACY_LEVEL ? ", int8 activations (accuracy_level 4)"
                : ", float activations";
        return format + ", blocks of " + scheme.blockSize() + ", rounding " + scheme.rounding().label() + compute;
    }

    /** The report's fields for a weight-only run. */
    static Map<String, Object> json(BlockwiseWeightOnly scheme, Graph fp32, List<ModelMetrics> comparison) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", scheme.format().name().toLowerCase(Locale.ROOT));
        json.put("blockSize", scheme.blockSize());
        json.put("rounding", scheme.rounding().label());
        if (scheme.format() == Format.W4) {
            json.put("accuracyLevel", scheme.accuracyLevel());
        }
        long fp32Bytes = comparison.get(0).weightBytes();
        long quantized = comparison.get(1).weightBytes();
        Map<String, Object> bytes = new LinkedHashMap<>();
        bytes.put("fp32", fp32Bytes);
        bytes.put("quantized", quantized);
        bytes.put("ratio", (double) fp32Bytes / quantized);
        // The layers alone: what 4 bits do where they apply, apart from what stays float.
        BlockwiseWeightOnly.LayerBytes layers = scheme.layerBytes(BatchNormFolding.apply(fp32).graph());
        bytes.put("layersFp32", layers.fp32());
        bytes.put("layers4Bit", layers.fourBit());
        bytes.put("layersRatio", (double) layers.fp32() / layers.fourBit());
        json.put("weightBytes", bytes);
        return json;
    }

    /** The quantized layers' weights before and after, apart from what stays float. */
    static String layerSummary(BlockwiseWeightOnly scheme, Graph fp32) {
        BlockwiseWeightOnly.LayerBytes layers = scheme.layerBytes(BatchNormFolding.apply(fp32).graph());
        return String.format(Locale.ROOT, "the 4-bit layers' weights %.1f KiB -> %.1f KiB (%.2fx smaller)",
                layers.fp32() / 1024.0, layers.fourBit() / 1024.0, (double) layers.fp32() / layers.fourBit());
    }
}
