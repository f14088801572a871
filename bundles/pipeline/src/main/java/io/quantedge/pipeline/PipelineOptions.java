package io.quantedge.pipeline;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge pipeline",
        description = "One pipeline: a sensor's frames, preprocessed, run on a served model, postprocessed into "
                + "results and published. Preprocessing and postprocessing left empty here come from the model "
                + "package's manifest, else from the model's input and output.")
@interface PipelineOptions {

    @AttributeDefinition(description = "The pipeline's name: the last level of its results topic.")
    String name();

    @AttributeDefinition(description = "Id of the sensor whose frames it takes (its quantedge.sensor.id).")
    String sensor();

    @AttributeDefinition(description = "Name of the served model it runs; a new version is followed as soon as "
            + "it is served.")
    String model();

    @AttributeDefinition(description = "The model input that takes the frames; empty for the first.")
    String input() default "";

    @AttributeDefinition(description = "The model output that becomes the result; empty for the first the "
            + "manifest gives postprocessing for, else the first.")
    String output() default "";

    @AttributeDefinition(description = "Input width in pixels; 0 for the manifest's, else the model input's.",
            min = "0")
    int width() default 0;

    @AttributeDefinition(description = "Input height in pixels; 0 for the manifest's, else the model input's.",
            min = "0")
    int height() default 0;

    @AttributeDefinition(description = "How the frame is resampled: nearest or bilinear.")
    String interpolation() default "bilinear";

    @AttributeDefinition(description = "How a frame of another aspect ratio fits the input: stretch, crop (scale "
            + "to cover, centre crop) or letterbox (scale to fit, pad with padValue).")
    String fit() default "stretch";

    @AttributeDefinition(description = "Pixel value (0 to 255) of the letterbox padding.", min = "0", max = "255")
    int padValue() default 0;

    @AttributeDefinition(description = "Colour order of the input: rgb, bgr or gray; empty for the manifest's, "
            + "else gray for a one-channel input and rgb otherwise.")
    String color() default "";

    @AttributeDefinition(description = "Layout of the input: nchw or nhwc; empty for the manifest's, else nchw.")
    String layout() default "";

    @AttributeDefinition(description = "Each pixel value (0 to 255) is multiplied by this first; 0 for the "
            + "manifest's, else 1/255.", min = "0")
    double scale() default 0;

    @AttributeDefinition(description = "Per-channel mean subtracted after scaling; empty for the manifest's, else "
            + "none.")
    double[] mean() default {};

    @AttributeDefinition(description = "Per-channel standard deviation divided by after the mean; empty for the "
            + "manifest's, else none.")
    double[] std() default {};

    @AttributeDefinition(description = "For an INT8/UINT8 model input: q = round(value / inputScale) + "
            + "inputZeroPoint, saturated. 0 puts the normalised value in as it is.", min = "0")
    double inputScale() default 0;

    @AttributeDefinition(description = "Zero point of an INT8/UINT8 model input.")
    int inputZeroPoint() default 0;

    @AttributeDefinition(description = "What the output means: classification, detection or anomaly; empty for "
            + "the manifest's, else classification.")
    String postprocessing() default "";

    @AttributeDefinition(description = "Classes kept per result; 0 for the manifest's, else 5.", min = "0")
    int topK() default 0;

    @AttributeDefinition(description = "Classes and detections scoring below this are left out; an anomaly score "
            + "at or above it is a finding. Empty (NaN) for the manifest's, else 0.")
    double scoreThreshold() default Double.NaN;

    @AttributeDefinition(description = "Non-maximum suppression: a detection overlapping a better one of its "
            + "class by more than this IoU is dropped. Empty (NaN) for the manifest's, else 0.5.")
    double iouThreshold() default Double.NaN;

    @AttributeDefinition(description = "Most detections per result.", min = "1")
    int maxDetections() default 100;

    @AttributeDefinition(description = "Softmax over a classifier's output: auto (when it is not already a "
            + "distribution), always or never.")
    String softmax() default "auto";

    @AttributeDefinition(description = "Class labels in class order; empty for the manifest's labels file, else "
            + "the class index.")
    String[] labels() default {};

    @AttributeDefinition(description = "Which results are published: every, change (the top class, the detected "
            + "labels or the anomaly verdict changed) or finding (a class or detection over the threshold, an "
            + "anomaly).")
    String publish() default "every";

    @AttributeDefinition(description = "Frames waiting for the model; when full the oldest is dropped and counted.",
            min = "1")
    int queueCapacity() default 4;

    @AttributeDefinition(description = "Seconds between the pipeline's one-line log summaries; 0 for none.",
            min = "0")
    int summarySeconds() default 5;
}
