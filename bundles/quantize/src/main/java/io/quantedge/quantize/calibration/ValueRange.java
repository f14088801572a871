package io.quantedge.quantize.calibration;

/** The real interval [{@code low}, {@code high}] a tensor is quantized over. */
public record ValueRange(double low, double high) {

    public ValueRange {
        if (!(low <= high) || Double.isInfinite(low) || Double.isInfinite(high)) {
            throw new IllegalArgumentException("invalid range [" + low + ", " + high + "]");
        }
    }

    /** The range widened to contain 0, which affine quantization must represent exactly (padding, ReLU). */
    public ValueRange withZero() {
        return new ValueRange(Math.min(low, 0), Math.max(high, 0));
    }
}
