package io.quantedge.quantize.calibration;

import java.util.List;

/** The calibrators by the names the command line and configuration use. */
public final class Calibrators {

    public static final List<String> NAMES = List.of("minmax", "percentile", "entropy", "mse");
    public static final double DEFAULT_PERCENTILE = 99.99;

    private Calibrators() {
    }

    /** The calibrator called {@code name}; {@code percentile} is used by "percentile" only. */
    public static Calibrator named(String name, double percentile) {
        return switch (name) {
            case "minmax" -> new MinMaxCalibrator();
            case "percentile" -> new PercentileCalibrator(percentile);
            case "entropy" -> new EntropyCalibrator();
            case "mse" -> new MseCalibrator();
            default -> throw new IllegalArgumentException("no calibrator '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
