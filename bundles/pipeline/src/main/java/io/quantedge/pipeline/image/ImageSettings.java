package io.quantedge.pipeline.image;

import io.quantedge.api.modelpackage.Preprocessing.Color;
import io.quantedge.api.modelpackage.Preprocessing.Layout;
import java.util.Objects;

/**
 * How a pipeline turns an image into its model input, all parts resolved: the input's size, how
 * the frame is fitted into it and sampled, colour order, {@code value * scale} then
 * {@code (value - mean[c]) / std[c]}, the layout, and for integer inputs the quantization
 * {@code q = round(value / inputScale) + inputZeroPoint}.
 */
public record ImageSettings(int width, int height, Interpolation interpolation, Fit fit, Color color, Layout layout,
                     double scale, double[] mean, double[] std, int padValue, double inputScale, int inputZeroPoint) {

    /** How a source pixel position is sampled when the frame is resized. */
    public enum Interpolation { NEAREST, BILINEAR }

    /**
     * How a frame of another aspect ratio fits the input: stretched to it, scaled to cover it and
     * centre-cropped, or scaled to fit inside it and padded (letterbox) with {@code padValue}.
     */
    public enum Fit { STRETCH, CROP, LETTERBOX }

    public ImageSettings {
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(layout, "layout");
        mean = mean.clone();
        std = std.clone();
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be at least 1x1, got " + width + "x" + height);
        }
        if (mean.length != color.channels() || std.length != color.channels()) {
            throw new IllegalArgumentException("mean and std need " + color.channels() + " values for " + color);
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("std values must be positive numbers, got " + s);
            }
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        }
        if (padValue < 0 || padValue > 255) {
            throw new IllegalArgumentException("pad value must be 0 to 255, got " + padValue);
        }
        if (!(inputScale >= 0) || Double.isInfinite(inputScale)) {
            throw new IllegalArgumentException("input scale must be 0 (none) or a positive number, got " + inputScale);
        }
    }

    public int channels() {
        return color.channels();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }
}
