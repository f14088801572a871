package io.quantedge.quantize.calibration;

/** The full observed range: nothing clipped, the coarsest steps. ONNX Runtime's default. */
public final class MinMaxCalibrator implements Calibrator {

    @Override
    public String name() {
        return "minmax";
    }

    @Override
    public boolean needsHistogram() {
        return false;
    }

    @Override
    public ValueRange range(Histogram histogram) {
        return new ValueRange(histogram.min(), histogram.max());
    }
}
