package io.quantedge.pipeline.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.modelpackage.Preprocessing.Color;
import io.quantedge.api.modelpackage.Preprocessing.Layout;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every expected value here is worked out by hand in the comment beside it. */
class ImagePreprocessorTest {

    private static ImageSettings settings(int w, int h, ImageSettings.Interpolation interpolation, ImageSettings.Fit fit,
                                          Color color, Layout layout, double scale, double[] mean, double[] std) {
        return new ImageSettings(w, h, interpolation, fit, color, layout, scale, mean, std, 0, 0, 0);
    }

    private static Frame gray(int w, int h, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new Frame("cam", 0, Instant.EPOCH, Frame.GRAY8, ByteBuffer.wrap(bytes),
                Map.of(Frame.WIDTH, "" + w, Frame.HEIGHT, "" + h));
    }

    private static Frame rgb(int w, int h, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new Frame("cam", 0, Instant.EPOCH, Frame.RGB8, ByteBuffer.wrap(bytes),
                Map.of(Frame.WIDTH, "" + w, Frame.HEIGHT, "" + h));
    }

    private static float[] floats(Tensor t) {
        return t.toFloatArray();
    }

    @Test
    void bilinearUpscaleUsesHalfPixelCentres() throws Exception {
        // Source row [0, 100] to 4 wide: centres map to u = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1]:
        // 0, 25, 75, 100.
        ImagePreprocessor p = new ImagePreprocessor(settings(4, 1, ImageSettings.Interpolation.BILINEAR,
                ImageSettings.Fit.STRETCH, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}),
                DataType.FP32, Shape.of(1, 1, 1, 4));
        assertArrayEquals(new float[] {0, 25, 75, 100}, floats(p.prepare(gray(2, 1, 0, 100))), 1e-4f);
    }

    @Test
    void nearestDownscalePicksTheCoveringPixel() throws Exception {
        // 4 -> 2: output centres 0.5 and 1.5 at scale 0.5 fall in source pixels 1 and 3.
        ImagePreprocessor p = new ImagePreprocessor(settings(2, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}),
                DataType.FP32, Shape.of(1, 1, 1, 2));
        assertArrayEquals(new float[] {20, 40}, floats(p.prepare(gray(4, 1, 10, 20, 30, 40))), 1e-6f);
    }

    @Test
    void meanStdAndScaleNormalise() throws Exception {
        // (v / 255 - 0.5) / 0.25: 0 -> -2, 255 -> 2, 51 -> (0.2 - 0.5) / 0.25 = -1.2.
        ImagePreprocessor p = new ImagePreprocessor(settings(3, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.GRAY, Layout.NCHW, 1.0 / 255, new double[] {0.5},
                new double[] {0.25}), DataType.FP32, Shape.of(1, 1, 1, 3));
        assertArrayEquals(new float[] {-2, 2, -1.2f}, floats(p.prepare(gray(3, 1, 0, 255, 51))), 1e-5f);
    }

    @Test
    void colourOrderAndLayout() throws Exception {
        // Two pixels (1,2,3) and (4,5,6). BGR planar: B plane 3,6; G plane 2,5; R plane 1,4.
        Frame frame = rgb(2, 1, 1, 2, 3, 4, 5, 6);
        double[] zero = {0, 0, 0};
        double[] one = {1, 1, 1};
        ImagePreprocessor planar = new ImagePreprocessor(settings(2, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.BGR, Layout.NCHW, 1, zero, one), DataType.FP32, Shape.of(1, 3, 1, 2));
        assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4}, floats(planar.prepare(frame)), 0f);
        // RGB interleaved: the frame's own order.
        ImagePreprocessor interleaved = new ImagePreprocessor(settings(2, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.RGB, Layout.NHWC, 1, zero, one), DataType.FP32, Shape.of(1, 1, 2, 3));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(interleaved.prepare(frame)), 0f);
        // Grey from colour: 0.299 R + 0.587 G + 0.114 B; (10, 20, 30) -> 2.99 + 11.74 + 3.42 = 18.15.
        ImagePreprocessor grey = new ImagePreprocessor(settings(1, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}),
                DataType.FP32, Shape.of(1, 1, 1, 1));
        assertArrayEquals(new float[] {18.15f}, floats(grey.prepare(rgb(1, 1, 10, 20, 30))), 1e-4f);
    }

    @Test
    void letterboxPadsAndMapsBoxesBack() throws Exception {
        // A 4x2 frame into 4x4: scale 1, 1 row of padding above and below.
        ImagePreprocessor p = new ImagePreprocessor(new ImageSettings(4, 4, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.LETTERBOX, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}, 7, 0, 0),
                DataType.FP32, Shape.of(1, 1, 4, 4));
        float[] out = floats(p.prepare(gray(4, 2, 1, 2, 3, 4, 5, 6, 7, 8)));
        assertArrayEquals(new float[] {7, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 7, 7, 7, 7}, out, 0f);
        // Input y 1 is frame row 0; input y 3 is frame y 2 (the bottom edge).
        assertEquals(0f, p.toSourceY(1f), 1e-6f);
        assertEquals(2f, p.toSourceY(3f), 1e-6f);
        assertEquals(2f, p.toSourceX(2f), 1e-6f);
    }

    @Test
    void centreCropKeepsTheMiddle() throws Exception {
        // A 4x2 frame into 2x2 by cover: scale 1, x offset -1: columns 1 and 2 of each row.
        ImagePreprocessor p = new ImagePreprocessor(settings(2, 2, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.CROP, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}),
                DataType.FP32, Shape.of(1, 1, 2, 2));
        assertArrayEquals(new float[] {2, 3, 6, 7}, floats(p.prepare(gray(4, 2, 1, 2, 3, 4, 5, 6, 7, 8))), 0f);
    }

    @Test
    void integerInputsAreQuantizedWithRoundingAndSaturation() throws Exception {
        // value / 0.5 + 10, round half to even, saturated to int8: 0 -> 10, 3 -> 16, 255 -> 520 -> 127,
        // 1.25 cannot occur from bytes, so 1 -> 12.
        ImagePreprocessor p = new ImagePreprocessor(new ImageSettings(4, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.GRAY, Layout.NCHW, 1, new double[] {0}, new double[] {1}, 0, 0.5, 10),
                DataType.INT8, Shape.of(1, 1, 1, 4));
        Tensor t = p.prepare(gray(4, 1, 0, 3, 255, 1));
        assertArrayEquals(new long[] {10, 16, 127, 12}, t.toLongArray());
        assertEquals(0.5f, t.quantization().orElseThrow().scale(0));
    }

    @Test
    void decodesPngAndRefusesGarbage() throws Exception {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x102030);
        image.setRGB(1, 0, 0x405060);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        ImagePreprocessor p = new ImagePreprocessor(settings(2, 1, ImageSettings.Interpolation.NEAREST,
                ImageSettings.Fit.STRETCH, Color.RGB, Layout.NHWC, 1, new double[3], new double[] {1, 1, 1}),
                DataType.FP32, Shape.of(1, 1, 2, 3));
        Frame frame = new Frame("cam", 0, Instant.EPOCH, Frame.PNG, ByteBuffer.wrap(png.toByteArray()), Map.of());
        assertArrayEquals(new float[] {0x10, 0x20, 0x30, 0x40, 0x50, 0x60}, floats(p.prepare(frame)), 0f);
        Frame garbage = new Frame("cam", 1, Instant.EPOCH, Frame.JPEG, ByteBuffer.wrap(new byte[] {1, 2, 3}), Map.of());
        FrameException e = assertThrows(FrameException.class, () -> p.prepare(garbage));
        assertEquals(FrameException.Code.UNDECODABLE, e.code());
        Frame noSize = new Frame("cam", 2, Instant.EPOCH, Frame.GRAY8, ByteBuffer.wrap(new byte[2]), Map.of());
        assertEquals(FrameException.Code.MISSING_SIZE, assertThrows(FrameException.class,
                () -> p.prepare(noSize)).code());
    }
}
