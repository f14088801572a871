package io.quantedge.sensor.frames;

import io.quantedge.api.sensor.Frame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A JPEG or PNG checked cheaply before it becomes a frame: its signature, its end marker (so a
 * part cut short or a file still being written is told apart) and its header as the JDK's image
 * reader sees it (so the size is known and garbage with the right first bytes is refused). The
 * pixels are not decoded here; that is the pipeline's work.
 */
public record EncodedImage(String mediaType, int width, int height) {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The IEND chunk: length 0, type, and its fixed CRC. */
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    /** Cameras and HTTP framing often leave a line break or zero padding after the JPEG's last marker. */
    private static final int MAX_JPEG_PADDING = 16;

    /** {@link Frame#JPEG}, {@link Frame#PNG}, or null when the bytes start like neither. */
    public static String sniff(byte[] data, int length) {
        if (length >= 3 && (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xd8 && (data[2] & 0xff) == 0xff) {
            return Frame.JPEG;
        }
        if (length >= PNG_SIGNATURE.length && startsWith(data, PNG_SIGNATURE)) {
            return Frame.PNG;
        }
        return null;
    }

    /** Checks the first {@code length} bytes of {@code data}; throws saying why they are not an image. */
    public static EncodedImage inspect(byte[] data, int length) throws BadImageException {
        String mediaType = sniff(data, length);
        if (mediaType == null) {
            throw new BadImageException(BadImageException.Reason.NOT_AN_IMAGE,
                    "neither a JPEG (FF D8 FF) nor a PNG signature at the start of " + length + " bytes");
        }
        if (!hasEnd(mediaType, data, length)) {
            throw new BadImageException(BadImageException.Reason.TRUNCATED, (mediaType.equals(Frame.JPEG)
                    ? "no JPEG end marker (FF D9)" : "no PNG IEND chunk") + " at the end of " + length + " bytes");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JDK has no image reader for " + mediaType);
        }
        ImageReader reader = readers.next();
        // A memory cache, not ImageIO.createImageInputStream: that may spill to a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data, 0, length))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new BadImageException(BadImageException.Reason.CORRUPT, "header says " + width + "x" + height);
            }
            return new EncodedImage(mediaType, width, height);
        } catch (IOException | RuntimeException e) {
            throw new BadImageException(BadImageException.Reason.CORRUPT, "unreadable header: " + e.getMessage());
        } finally {
            reader.dispose();
        }
    }

    private static boolean hasEnd(String mediaType, byte[] data, int length) {
        if (mediaType.equals(Frame.PNG)) {
            int start = length - PNG_END.length;
            if (start < PNG_SIGNATURE.length) {
                return false;
            }
            for (int i = 0; i < PNG_END.length; i++) {
                if (data[start + i] != PNG_END[i]) {
                    return false;
                }
            }
            return true;
        }
        int end = length;
        while (end > 4 && length - end < MAX_JPEG_PADDING && isPadding(data[end - 1])) {
            end--;
        }
        return end > 4 && (data[end - 2] & 0xff) == 0xff && (data[end - 1] & 0xff) == 0xd9;
    }

    private static boolean isPadding(byte b) {
        return b == 0 || b == '\r' || b == '\n';
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
