package io.quantedge.pipeline;

import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.modelpackage.Preprocessing;
import io.quantedge.api.modelpackage.Preprocessing.Color;
import io.quantedge.api.modelpackage.Preprocessing.Layout;
import io.quantedge.pipeline.image.ImageSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline's configuration, checked: what it reads, what it runs, and the pre- and
 * postprocessing it sets itself. Unset parts (empty, 0, NaN) are taken from the model's package
 * manifest, else from the model, when the pipeline binds to a version of the model
 * ({@link ModelStage#bind}).
 */
record PipelineSettings(String name, String sensor, String model, String input, String output, int width, int height,
                        ImageSettings.Interpolation interpolation, ImageSettings.Fit fit, int padValue,
                        Optional<Color> color, Optional<Layout> layout, double scale, double[] mean, double[] std,
                        double inputScale, int inputZeroPoint, Optional<Postprocessing.Kind> kind, int topK,
                        double scoreThreshold, double iouThreshold, int maxDetections, ClassScores.Softmax softmax,
                        List<String> labels, ResultFilter.Mode publish, int queueCapacity, int summarySeconds) {

    static final double DEFAULT_SCALE = 1.0 / 255;

    PipelineSettings {
        mean = mean.clone();
        std = std.clone();
        labels = List.copyOf(labels);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(model, "model");
    }

    /** Parses and checks the configuration; the message of the exception names the property that is wrong. */
    static PipelineSettings parse(PipelineOptions options) {
        String name = required(options.name(), "name");
        if (!PackageManifest.isValidName(name)) {
            throw new IllegalArgumentException("name '" + name + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        double[] mean = options.mean() == null ? new double[0] : options.mean();
        double[] std = options.std() == null ? new double[0] : options.std();
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need as many values each (one per channel), got "
                    + mean.length + " and " + std.length);
        }
        if (Arrays.stream(std).anyMatch(s -> !(s > 0) || Double.isInfinite(s))) {
            throw new IllegalArgumentException("std values must be positive numbers");
        }
        if (options.scale() < 0 || !Double.isFinite(options.scale())) {
            throw new IllegalArgumentException("scale must be 0 (from the manifest) or a positive number");
        }
        double iou = options.iouThreshold();
        if (!Double.isNaN(iou) && !(iou >= 0 && iou <= 1)) {
            throw new IllegalArgumentException("iouThreshold must be between 0 and 1, got " + iou);
        }
        if (options.queueCapacity() < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + options.queueCapacity());
        }
        if (options.maxDetections() < 1) {
            throw new IllegalArgumentException("maxDetections must be at least 1, got " + options.maxDetections());
        }
        return new PipelineSettings(name, required(options.sensor(), "sensor"), required(options.model(), "model"),
                blankToEmpty(options.input()), blankToEmpty(options.output()), nonNegative(options.width(), "width"),
                nonNegative(options.height(), "height"),
                choice(ImageSettings.Interpolation.class, options.interpolation(), "interpolation").orElseThrow(
                        () -> new IllegalArgumentException("interpolation must be nearest or bilinear")),
                choice(ImageSettings.Fit.class, options.fit(), "fit").orElseThrow(
                        () -> new IllegalArgumentException("fit must be stretch, crop or letterbox")),
                options.padValue(), choice(Color.class, options.color(), "color"),
                choice(Layout.class, options.layout(), "layout"), options.scale(), mean, std, options.inputScale(),
                options.inputZeroPoint(), choice(Postprocessing.Kind.class, options.postprocessing(), "postprocessing"),
                nonNegative(options.topK(), "topK"), options.scoreThreshold(), iou, options.maxDetections(),
                choice(ClassScores.Softmax.class, options.softmax(), "softmax").orElse(ClassScores.Softmax.AUTO),
                options.labels() == null ? List.of() : Arrays.asList(options.labels()),
                choice(ResultFilter.Mode.class, options.publish(), "publish").orElse(ResultFilter.Mode.EVERY),
                options.queueCapacity(), nonNegative(options.summarySeconds(), "summarySeconds"));
    }

    /** The image preprocessing for an input of {@code dims}, this configuration over the manifest's. */
    ImageSettings image(List<Integer> dims, Optional<Preprocessing> manifest) {
        Layout chosenLayout = layout.or(() -> manifest.map(Preprocessing::layout)).orElse(Layout.NCHW);
        int c = dimension(dims, chosenLayout == Layout.NCHW ? 1 : 3);
        int h = dimension(dims, chosenLayout == Layout.NCHW ? 2 : 1);
        int w = dimension(dims, chosenLayout == Layout.NCHW ? 3 : 2);
        Color chosenColor = color.or(() -> manifest.map(Preprocessing::color))
                .orElse(c == 1 ? Color.GRAY : Color.RGB);
        int chosenWidth = width > 0 ? width : manifest.map(Preprocessing::width).filter(v -> v > 0).orElse(w);
        int chosenHeight = height > 0 ? height : manifest.map(Preprocessing::height).filter(v -> v > 0).orElse(h);
        double chosenScale = scale > 0 ? scale : manifest.map(Preprocessing::scale).orElse(DEFAULT_SCALE);
        double[] chosenMean = mean;
        double[] chosenStd = std;
        if (mean.length == 0 && manifest.isPresent() && !manifest.get().mean().isEmpty()) {
            chosenMean = manifest.get().mean().stream().mapToDouble(Double::doubleValue).toArray();
            chosenStd = manifest.get().std().isEmpty() ? ones(chosenMean.length)
                    : manifest.get().std().stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (chosenMean.length == 0) {
            chosenMean = new double[chosenColor.channels()];
            chosenStd = ones(chosenColor.channels());
        } else if (chosenMean.length == 1 && chosenColor.channels() > 1) {
            chosenMean = filled(chosenMean[0], chosenColor.channels());
            chosenStd = filled(chosenStd[0], chosenColor.channels());
        }
        return new ImageSettings(chosenWidth, chosenHeight, interpolation, fit, chosenColor, chosenLayout, chosenScale,
                chosenMean, chosenStd, padValue, inputScale, inputZeroPoint);
    }

    /** The postprocessing, this configuration over the manifest's. */
    Postprocessing postprocessing(Optional<Postprocessing> manifest) {
        Postprocessing.Kind chosenKind = kind.or(() -> manifest.map(Postprocessing::kind))
                .orElse(Postprocessing.Kind.CLASSIFICATION);
        int chosenTopK = topK > 0 ? topK : manifest.map(Postprocessing::topK).orElse(Postprocessing.DEFAULT_TOP_K);
        double chosenScore = !Double.isNaN(scoreThreshold) ? scoreThreshold
                : manifest.map(Postprocessing::scoreThreshold).orElse(Postprocessing.DEFAULT_SCORE_THRESHOLD);
        double chosenIou = !Double.isNaN(iouThreshold) ? iouThreshold
                : manifest.map(Postprocessing::iouThreshold).orElse(Postprocessing.DEFAULT_IOU_THRESHOLD);
        return new Postprocessing(chosenKind, chosenTopK, chosenScore, chosenIou);
    }

    private static int dimension(List<Integer> dims, int axis) {
        if (dims.size() != 4) {
            return 0;
        }
        int d = dims.get(axis);
        return d > 0 ? d : 0;
    }

    private static double[] ones(int n) {
        return filled(1, n);
    }

    private static double[] filled(double value, int n) {
        double[] values = new double[n];
        Arrays.fill(values, value);
        return values;
    }

    private static String required(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + property + "' is required");
        }
        return value.trim();
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.trim();
    }

    private static int nonNegative(int value, String property) {
        if (value < 0) {
            throw new IllegalArgumentException("'" + property + "' must be at least 0, got " + value);
        }
        return value;
    }

    /** The constant of {@code type} named {@code text} (any case), empty when blank. */
    static <E extends Enum<E>> Optional<E> choice(Class<E> type, String text, String property) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + property + "' cannot be '" + text + "'; one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
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
