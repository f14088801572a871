package io.quantedge.quantize;

import io.quantedge.quantize.calibration.Calibrator;
import io.quantedge.quantize.calibration.MinMaxCalibrator;
import java.util.Objects;

/**
 * What a quantization run does: the weights' granularity, the activations' calibrator, whether
 * biases are corrected for the mean error quantization adds, how many calibration inputs run at
 * once (memory for activations grows with it, statistics do not), and whether weight ranges are
 * equalized across consecutive layers first (cross-layer equalization).
 */
public record QuantizeOptions(Granularity weights, Calibrator calibrator, boolean biasCorrection, int batchSize,
                              boolean equalize) {

    public static final int DEFAULT_BATCH = 32;

    public QuantizeOptions {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(calibrator, "calibrator");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
    }

    public QuantizeOptions(Granularity weights, Calibrator calibrator, boolean biasCorrection, int batchSize) {
        this(weights, calibrator, biasCorrection, batchSize, false);
    }

    public static QuantizeOptions defaults() {
        return new QuantizeOptions(Granularity.PER_CHANNEL, new MinMaxCalibrator(), false, DEFAULT_BATCH);
    }

    public QuantizeOptions withCalibrator(Calibrator value) {
        return new QuantizeOptions(weights, value, biasCorrection, batchSize, equalize);
    }

    public QuantizeOptions withWeights(Granularity value) {
        return new QuantizeOptions(value, calibrator, biasCorrection, batchSize, equalize);
    }

    public QuantizeOptions withBiasCorrection(boolean value) {
        return new QuantizeOptions(weights, calibrator, value, batchSize, equalize);
    }

    public QuantizeOptions withEqualization(boolean value) {
        return new QuantizeOptions(weights, calibrator, biasCorrection, batchSize, value);
    }
}
