package io.quantedge.sensor.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.sensor.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSourceTest {

    private static final Path DATA = Path.of(System.getProperty("quantedge.models", "../../tests/models"))
            .toAbsolutePath().normalize().resolve("data");
    private static final List<String> NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Test
    void replaysTheShippedTestImagesWithTheirLabelsInOrder() throws Exception {
        FrameSource source = FrameSource.images(FrameSource.resource(SyntheticSensor.SHIPPED_IMAGES),
                FrameSource.resource(SyntheticSensor.SHIPPED_LABELS), NAMES, 0, "shipped");
        byte[] images = Files.readAllBytes(DATA.resolve("fashion_test_images_u8.npy"));
        NpyArray labels = NpyArray.parse(Files.readAllBytes(DATA.resolve("fashion_test_labels.npy")), "labels");
        int header = images.length - 1000 * 784;
        for (long seq : new long[] {0, 1, 999, 1000, 1001}) {
            Frame frame = source.frame("cam", seq, Instant.EPOCH);
            int image = (int) (seq % 1000);
            assertEquals(Frame.GRAY8, frame.mediaType());
            assertEquals("28", frame.attributes().get(Frame.WIDTH));
            assertEquals("28", frame.attributes().get(Frame.HEIGHT));
            assertEquals(NAMES.get((int) labels.integerAt(image)), frame.attributes().get(Frame.LABEL));
            ByteBuffer expected = ByteBuffer.wrap(images, header + image * 784, 784);
            assertEquals(expected, frame.payload(), "pixels of image " + image);
        }
        // The first test image of Fashion-MNIST is an ankle boot (label 9).
        assertEquals("Ankle boot", source.frame("cam", 0, Instant.EPOCH).attributes().get(Frame.LABEL));
    }

    @Test
    void waveformsAreDeterministicAndCarryTheirAnomalies() {
        FrameSource a = FrameSource.waveform(32, 2, 0.05, 5, 7);
        FrameSource b = FrameSource.waveform(32, 2, 0.05, 5, 7);
        for (long seq = 0; seq < 10; seq++) {
            Frame one = a.frame("w", seq, Instant.EPOCH);
            Frame two = b.frame("w", seq, Instant.EPOCH);
            assertEquals(one.payload(), two.payload());
            assertEquals(Frame.FLOAT32, one.mediaType());
            assertEquals(32 * 4, one.payload().remaining());
            boolean anomaly = seq % 5 == 4;
            assertEquals(anomaly ? "anomaly" : "normal", one.attributes().get(Frame.LABEL));
            float max = 0;
            ByteBuffer values = one.payload().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 32; i++) {
                max = Math.max(max, Math.abs(values.getFloat(i * 4)));
            }
            // A sine of amplitude 1 with small noise stays under 2; the spike of 4 does not.
            assertEquals(anomaly, max > 2.5f, "window " + seq + " max " + max);
        }
    }

    @Test
    void refusesFilesThatAreNotUint8Images() throws Exception {
        byte[] labels = Files.readAllBytes(DATA.resolve("fashion_test_labels.npy"));
        IOException e = assertThrows(IOException.class, () -> FrameSource.images(labels, null, NAMES, 0, "labels"));
        assertTrue(e.getMessage().contains("uint8 N x H x W"), e.getMessage());
        assertThrows(IOException.class, () -> NpyArray.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "x"));
    }
}
