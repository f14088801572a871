package io.quantedge.pipeline;

import io.quantedge.api.model.ModelReport;
import io.quantedge.api.modelpackage.InputSpec;
import io.quantedge.api.modelpackage.OutputSpec;
import io.quantedge.api.modelpackage.PackageManifest;
import io.quantedge.api.modelpackage.Postprocessing;
import io.quantedge.api.result.ClassScore;
import io.quantedge.api.result.Detection;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import io.quantedge.pipeline.image.FrameException;
import io.quantedge.pipeline.image.ImagePreprocessor;
import io.quantedge.pipeline.image.ImageSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A pipeline bound to one version of its model: the input frames go to, how they become it, the
 * output that becomes the result, and how. Rebuilt when the served version changes, since a new
 * version may bring its own manifest. Used by one worker thread; its buffers are reused.
 */
final class ModelStage {

    /** What one run produced, in the result's terms. */
    record Outcome(List<ClassScore> classes, List<Detection> detections, OptionalDouble anomalyScore) {
    }

    private final String version;
    private final String backend;
    private final String inputName;
    private final TensorSpec inputSpec;
    private final String outputName;
    private final Postprocessing postprocessing;
    private final ImagePreprocessor image;
    private final ClassScores classes;
    private final DetectionDecoder detections;
    private final Shape windowShape;
    private final ByteBuffer window;
    private float[] windowValues = new float[0];
    private int windowCount;
    private float[] outputValues = new float[0];

    private ModelStage(String version, String backend, String inputName, TensorSpec inputSpec, String outputName,
                       Postprocessing postprocessing, ImagePreprocessor image, List<String> labels,
                       PipelineSettings settings) {
        this.version = version;
        this.backend = backend;
        this.inputName = inputName;
        this.inputSpec = inputSpec;
        this.outputName = outputName;
        this.postprocessing = postprocessing;
        this.image = image;
        this.classes = new ClassScores(postprocessing.topK(), postprocessing.scoreThreshold(), settings.softmax(),
                labels);
        this.detections = new DetectionDecoder(postprocessing.scoreThreshold(), postprocessing.iouThreshold(),
                settings.maxDetections(), labels);
        this.windowShape = Shape.of(inputSpec.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray());
        this.window = inputSpec.type() == DataType.FP32
                ? ByteBuffer.allocate(Math.toIntExact(windowShape.elementCount() * 4)).order(ByteOrder.LITTLE_ENDIAN)
                : null;
    }

    /**
     * Binds {@code settings} to the served version {@code served}, with its package's manifest and
     * labels when the store has them.
     *
     * @throws IllegalArgumentException when the configuration and the model do not fit together
     */
    static ModelStage bind(PipelineSettings settings, ServedModel served, Optional<PackageManifest> manifest,
                           List<String> manifestLabels) {
        ModelReport report = served.report();
        if (report.inputs().isEmpty() || report.outputs().isEmpty()) {
            throw new IllegalArgumentException("model " + served.name() + " has no input or no output");
        }
        TensorSpec input = settings.input().isEmpty() ? report.inputs().get(0)
                : find(report.inputs(), settings.input(), "input", served.name());
        Optional<OutputSpec> described = manifest.flatMap(m -> settings.output().isEmpty()
                ? m.outputs().stream().filter(o -> o.postprocessing().isPresent()).findFirst()
                : m.outputs().stream().filter(o -> o.name().equals(settings.output())).findFirst());
        String outputName = !settings.output().isEmpty() ? settings.output()
                : described.map(OutputSpec::name).orElse(report.outputs().get(0).name());
        find(report.outputs(), outputName, "output", served.name());
        Optional<InputSpec> inputSpec = manifest.flatMap(m -> m.inputs().stream()
                .filter(i -> i.name().equals(input.name())).findFirst());
        Postprocessing post = settings.postprocessing(described.flatMap(OutputSpec::postprocessing));
        List<String> labels = !settings.labels().isEmpty() ? settings.labels() : manifestLabels;

        ImagePreprocessor image = null;
        // Anomaly models usually take numeric windows; a rank-4 input takes images as well.
        boolean imageInput = post.kind() != Postprocessing.Kind.ANOMALY || input.rank() == 4;
        if (imageInput) {
            ImageSettings imageSettings = settings.image(input.dims(),
                    inputSpec.flatMap(InputSpec::preprocessing));
            Shape shape = imageShape(input, imageSettings);
            image = new ImagePreprocessor(imageSettings, input.type(), shape);
        } else if (input.type() != DataType.FP32) {
            throw new IllegalArgumentException("a numeric window goes to an FP32 input; " + input + " is not one");
        }
        return new ModelStage(served.version(), mainBackend(report), input.name(), input, outputName, post, image,
                labels, settings);
    }

    private static Shape imageShape(TensorSpec input, ImageSettings s) {
        if (!input.isDynamic() || input.rank() != 4) {
            int[] dims = input.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray();
            return Shape.of(dims);
        }
        return s.layout() == io.quantedge.api.modelpackage.Preprocessing.Layout.NCHW
                ? Shape.of(1, s.channels(), s.height(), s.width()) : Shape.of(1, s.height(), s.width(), s.channels());
    }

    private static TensorSpec find(List<TensorSpec> specs, String name, String what, String model) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model " + model + " has no " + what + " '" + name
                        + "'; it has " + specs.stream().map(TensorSpec::name).toList()));
    }

    /** What the engine reports for nodes it computes itself, with no kernel backend. */
    static final String ENGINE = "engine";

    /**
     * The kernel backend a result names: the one running most of the model's nodes that a
     * backend runs (the heavy math), else "engine" when the engine computes everything itself.
     */
    static String mainBackend(ModelReport report) {
        Map<String, Long> counts = report.nodes().stream().map(ModelReport.NodeReport::backend)
                .filter(b -> !b.equals(ENGINE))
                .collect(Collectors.groupingBy(b -> b, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(ENGINE);
    }

    String version() {
        return version;
    }

    String backend() {
        return backend;
    }

    Postprocessing postprocessing() {
        return postprocessing;
    }

    /** The model inputs for {@code frame}, valid until the next call. */
    Map<String, Tensor> inputs(Frame frame) throws FrameException {
        if (Frame.FLOAT32.equals(frame.mediaType())) {
            return Map.of(inputName, windowTensor(frame));
        }
        if (image == null) {
            throw new FrameException(FrameException.Code.UNSUPPORTED_MEDIA, "this pipeline's model takes numeric "
                    + "windows (" + Frame.FLOAT32 + "), not " + frame.mediaType());
        }
        return Map.of(inputName, image.prepare(frame));
    }

    private Tensor windowTensor(Frame frame) throws FrameException {
        if (window == null) {
            throw new FrameException(FrameException.Code.UNSUPPORTED_MEDIA, "this pipeline's model takes images, not "
                    + Frame.FLOAT32 + " windows");
        }
        ByteBuffer payload = frame.payload().order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.toIntExact(windowShape.elementCount());
        if (payload.remaining() != count * 4) {
            throw new FrameException(FrameException.Code.UNDECODABLE, "the model input " + inputSpec + " takes "
                    + count + " readings, the frame has " + payload.remaining() / 4.0);
        }
        if (windowValues.length < count) {
            windowValues = new float[count];
        }
        payload.asFloatBuffer().get(windowValues, 0, count);
        windowCount = count;
        window.clear();
        window.asFloatBuffer().put(windowValues, 0, count);
        return Tensor.of(DataType.FP32, windowShape, window.duplicate().clear());
    }

    /** The result of the outputs of one run on the last frame given to {@link #inputs}. */
    Outcome outcome(Map<String, Tensor> outputs) {
        Tensor output = outputs.get(outputName);
        if (output == null) {
            throw new IllegalStateException("the model returned no output '" + outputName + "'");
        }
        int count = floats(output);
        return switch (postprocessing.kind()) {
            case CLASSIFICATION -> new Outcome(classes.top(outputValues, count), List.of(), OptionalDouble.empty());
            case DETECTION -> {
                if (count % DetectionDecoder.ROW != 0) {
                    throw new IllegalStateException("detection output " + output.shape() + " is not rows of "
                            + DetectionDecoder.ROW + " values (x1, y1, x2, y2, score, class)");
                }
                int inputWidth = image == null ? 1 : image.inputWidth();
                int inputHeight = image == null ? 1 : image.inputHeight();
                DetectionDecoder.FrameMapping mapping = image == null ? DetectionDecoder.FrameMapping.IDENTITY : new DetectionDecoder.FrameMapping() {
                    @Override
                    public float x(float inputX) {
                        return image.toSourceX(inputX);
                    }

                    @Override
                    public float y(float inputY) {
                        return image.toSourceY(inputY);
                    }
                };
                yield new Outcome(List.of(), detections.decode(outputValues, count / DetectionDecoder.ROW, inputWidth,
                        inputHeight, mapping), OptionalDouble.empty());
            }
            case ANOMALY -> new Outcome(List.of(), List.of(),
                    OptionalDouble.of(AnomalyScore.of(windowValues, windowCount, outputValues, count)));
        };
    }

    /** Copies the output's values into the reused float buffer (dequantizing integer outputs); returns the count. */
    private int floats(Tensor output) {
        int count = Math.toIntExact(output.elementCount());
        if (outputValues.length < count) {
            outputValues = new float[count];
        }
        if (output.type() == DataType.FP32) {
            output.data().asFloatBuffer().get(outputValues, 0, count);
            return count;
        }
        float scale = output.quantization().map(q -> q.scale(0)).orElse(1f);
        int zero = output.quantization().map(q -> q.zeroPoint(0)).orElse(0);
        for (int i = 0; i < count; i++) {
            outputValues[i] = (output.integerAt(i) - zero) * scale;
        }
        return count;
    }
}
