package io.quantedge.api.modelpackage;

import java.util.List;
import java.util.Objects;

/**
 * How a camera frame becomes a model input: resized to {@code width} x {@code height} (0 keeps
 * the frame's size), converted to {@code color}, each value multiplied by {@code scale}, then
 * {@code (value - mean[c]) / std[c]} per channel, laid out as {@code layout}. {@code mean} and
 * {@code std} are empty (no normalisation) or have one entry per channel of {@code color}.
 */
public record Preprocessing(int width, int height, Color color, Layout layout, double scale, List<Double> mean,
                            List<Double> std) {

    public enum Color {
        RGB(3), BGR(3), GRAY(1);

        private final int channels;

        Color(int channels) {
            this.channels = channels;
        }

        public int channels() {
            return channels;
        }
    }

    public enum Layout { NCHW, NHWC }

    public Preprocessing {
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(layout, "layout");
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("negative size " + width + "x" + height);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        }
        for (List<Double> values : List.of(mean, std)) {
            if (!values.isEmpty() && values.size() != color.channels()) {
                throw new IllegalArgumentException("mean and std need " + color.channels() + " values for " + color
                        + ", or none");
            }
        }
        if (std.stream().anyMatch(s -> !(s > 0) || s.isInfinite())) {
            throw new IllegalArgumentException("std values must be positive numbers");
        }
    }
}
