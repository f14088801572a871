package io.quantedge.sensor.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quantedge.api.sensor.Frame;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EncodedImageTest {

    private final byte[] jpeg = TestImages.encoded(1, "jpeg").get(0);
    private final byte[] png = TestImages.encoded(1, "png").get(0);

    @Test
    void aRealJpegAndPngAreAcceptedWithTheirSize() throws Exception {
        assertEquals(new EncodedImage(Frame.JPEG, 28, 28), EncodedImage.inspect(jpeg, jpeg.length));
        assertEquals(new EncodedImage(Frame.PNG, 28, 28), EncodedImage.inspect(png, png.length));
    }

    @Test
    void aLineBreakAfterTheJpegEndIsTolerated() throws Exception {
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 2);
        padded[jpeg.length] = '\r';
        padded[jpeg.length + 1] = '\n';
        assertEquals(Frame.JPEG, EncodedImage.inspect(padded, padded.length).mediaType());
    }

    @Test
    void imagesCutShortAreTruncated() {
        for (byte[] image : new byte[][] {jpeg, png}) {
            for (int length : new int[] {image.length / 3, image.length - 1}) {
                BadImageException e = assertThrows(BadImageException.class, () -> EncodedImage.inspect(image, length));
                assertEquals(BadImageException.Reason.TRUNCATED, e.reason(), e.getMessage());
            }
        }
    }

    @Test
    void garbageBetweenTheMarkersIsCorrupt() {
        byte[] bad = TestImages.corruptJpeg(jpeg);
        BadImageException e = assertThrows(BadImageException.class, () -> EncodedImage.inspect(bad, bad.length));
        assertEquals(BadImageException.Reason.CORRUPT, e.reason(), e.getMessage());
    }

    @Test
    void textIsNotAnImage() {
        byte[] text = "hello, camera".getBytes();
        BadImageException e = assertThrows(BadImageException.class, () -> EncodedImage.inspect(text, text.length));
        assertEquals(BadImageException.Reason.NOT_AN_IMAGE, e.reason());
    }
}
