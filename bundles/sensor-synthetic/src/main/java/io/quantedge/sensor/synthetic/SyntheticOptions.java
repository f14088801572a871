package io.quantedge.sensor.synthetic;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "QuantEdge synthetic sensor",
        description = "A deterministic sensor: replays labelled test images as GRAY8 frames, or emits FLOAT32 "
                + "waveform windows with anomalies at known places. The same configuration always gives the same "
                + "frames.")
@interface SyntheticOptions {

    @AttributeDefinition(name = "Sensor id", description = "The sensor's id; pipelines select it by this.")
    String quantedge_sensor_id();

    @AttributeDefinition(description = "images (labelled test images) or waveform (numeric windows).")
    String mode() default "images";

    @AttributeDefinition(description = "Frames per second.", min = "0.001")
    double framesPerSecond() default 10;

    @AttributeDefinition(description = "images: a uint8 .npy of N x H x W grey images; empty for the Fashion-MNIST "
            + "test images shipped in this bundle.")
    String imagesFile() default "";

    @AttributeDefinition(description = "images: an integer .npy of N class indexes, the images' labels; empty for "
            + "the shipped ones (with the shipped images only).")
    String labelsFile() default "";

    @AttributeDefinition(description = "images: class names in class order, for the frames' label attribute; "
            + "empty for the class index.")
    String[] classNames() default {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"};

    @AttributeDefinition(description = "images: index of the first image replayed; then in order, round and round.",
            min = "0")
    int firstImage() default 0;

    @AttributeDefinition(description = "Frames to emit before stopping; 0 for no end.", min = "0")
    long frameLimit() default 0;

    @AttributeDefinition(description = "waveform: readings per window.", min = "1")
    int windowSize() default 64;

    @AttributeDefinition(description = "waveform: periods of the sine per window.", min = "0")
    double periodsPerWindow() default 2;

    @AttributeDefinition(description = "waveform: standard deviation of the seeded noise added.", min = "0")
    double noise() default 0.05;

    @AttributeDefinition(description = "waveform: every this many windows one carries a spike (label 'anomaly'; "
            + "the others 'normal'); 0 for none.", min = "0")
    int anomalyEvery() default 20;

    @AttributeDefinition(description = "waveform: seed of the noise.")
    long seed() default 1;
}
