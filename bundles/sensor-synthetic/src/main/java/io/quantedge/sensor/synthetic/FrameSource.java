package io.quantedge.sensor.synthetic;

import io.quantedge.api.sensor.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** What a synthetic sensor emits: frame {@code sequence} is always the same frame, whenever it is made. */
interface FrameSource {

    Frame frame(String sensorId, long sequence, Instant timestamp);

    /** Labelled grey images, replayed in order from {@code first}, round and round. */
    static FrameSource images(byte[] imagesNpy, byte[] labelsNpy, List<String> classNames, int first, String source)
            throws IOException {
        NpyArray images = NpyArray.parse(imagesNpy, source);
        if (images.shape().length != 3 || !images.dtype().endsWith("u1")) {
            throw new IOException(source + ": images must be uint8 N x H x W, got " + images.dtype() + " "
                    + java.util.Arrays.toString(images.shape()));
        }
        int count = images.shape()[0];
        int height = images.shape()[1];
        int width = images.shape()[2];
        if (count == 0) {
            throw new IOException(source + " holds no image");
        }
        NpyArray labels = labelsNpy == null ? null : NpyArray.parse(labelsNpy, source + " labels");
        if (labels != null && (labels.shape().length != 1 || labels.shape()[0] != count)) {
            throw new IOException("the labels must be one per image: " + count + ", got "
                    + java.util.Arrays.toString(labels.shape()));
        }
        if (first >= count) {
            throw new IOException("firstImage " + first + " is beyond the " + count + " images");
        }
        // One attribute map per image, made once: replaying allocates no map per frame.
        List<Map<String, String>> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (labels == null) {
                attributes.add(Map.of(Frame.WIDTH, Integer.toString(width), Frame.HEIGHT, Integer.toString(height)));
            } else {
                long index = labels.integerAt(i);
                String label = index >= 0 && index < classNames.size() ? classNames.get((int) index)
                        : Long.toString(index);
                attributes.add(Map.of(Frame.WIDTH, Integer.toString(width), Frame.HEIGHT, Integer.toString(height),
                        Frame.LABEL, label));
            }
        }
        ByteBuffer pixels = images.data().asReadOnlyBuffer();
        int size = width * height;
        return (sensorId, sequence, timestamp) -> {
            int image = (int) ((first + sequence) % count);
            ByteBuffer payload = pixels.duplicate().position(image * size).limit(image * size + size);
            return new Frame(sensorId, sequence, timestamp, Frame.GRAY8, payload, attributes.get(image));
        };
    }

    /**
     * Windows of a noisy sine; every {@code anomalyEvery}-th window (the last of each run of that
     * many) carries a spike and the label "anomaly", the others "normal".
     */
    static FrameSource waveform(int windowSize, double periodsPerWindow, double noise, int anomalyEvery, long seed) {
        Map<String, String> normal = Map.of(Frame.LABEL, "normal");
        Map<String, String> anomaly = Map.of(Frame.LABEL, "anomaly");
        return (sensorId, sequence, timestamp) -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + sequence);
            boolean spike = anomalyEvery > 0 && sequence % anomalyEvery == anomalyEvery - 1;
            ByteBuffer values = ByteBuffer.allocate(windowSize * 4).order(ByteOrder.LITTLE_ENDIAN);
            double phase = random.nextDouble() * 2 * Math.PI;
            for (int j = 0; j < windowSize; j++) {
                double v = Math.sin(2 * Math.PI * periodsPerWindow * j / windowSize + phase)
                        + noise * gaussian(random);
                if (spike && j == windowSize / 2) {
                    v += 4;
                }
                values.putFloat(j * 4, (float) v);
            }
            return new Frame(sensorId, sequence, timestamp, Frame.FLOAT32, values, spike ? anomaly : normal);
        };
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FrameSource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the bundle has no resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
