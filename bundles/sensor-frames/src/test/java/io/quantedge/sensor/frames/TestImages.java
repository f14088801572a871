package io.quantedge.sensor.frames;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Real test images for the sensor tests: Fashion-MNIST pictures from the project's own test data
 * (tests/models/data/fashion_test_images_u8.npy, N x 28 x 28 grey bytes), encoded as a camera
 * would send them.
 */
public final class TestImages {

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),\\s*(\\d+)\\)");

    private TestImages() {
    }

    /** The data folder, from the {@code quantedge.models} property the build sets. */
    public static Path npyFile() {
        return Path.of(System.getProperty("quantedge.models", "../../tests/models"))
                .resolve("data/fashion_test_images_u8.npy");
    }

    /** The first {@code count} test images as grey pictures. */
    public static List<BufferedImage> fashion(int count) {
        try {
            byte[] npy = Files.readAllBytes(npyFile());
            if (npy[0] != (byte) 0x93 || npy[6] != 1) {
                throw new IOException("not a version 1 .npy file: " + npyFile());
            }
            int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
            String header = new String(npy, 10, headerLength, StandardCharsets.ISO_8859_1);
            Matcher shape = SHAPE.matcher(header);
            if (!header.contains("'|u1'") || !shape.find()) {
                throw new IOException("expected uint8 images N x H x W, header " + header);
            }
            int n = Integer.parseInt(shape.group(1));
            int height = Integer.parseInt(shape.group(2));
            int width = Integer.parseInt(shape.group(3));
            if (count > n) {
                throw new IllegalArgumentException(count + " images asked, " + n + " in " + npyFile());
            }
            List<BufferedImage> images = new ArrayList<>();
            int offset = 10 + headerLength;
            for (int i = 0; i < count; i++) {
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                int pixels = width * height;
                image.getRaster().setDataElements(0, 0, width, height,
                        java.util.Arrays.copyOfRange(npy, offset + i * pixels, offset + (i + 1) * pixels));
                images.add(image);
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code count} test images encoded as {@code format} ("jpeg" or "png"). */
    public static List<byte[]> encoded(int count, String format) {
        List<byte[]> encoded = new ArrayList<>();
        for (BufferedImage image : fashion(count)) {
            encoded.add(encode(image, format));
        }
        return encoded;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Starts like a JPEG and ends like one, but the header in between is garbage. */
    public static byte[] corruptJpeg(byte[] good) {
        byte[] bad = good.clone();
        for (int i = 3; i < Math.min(bad.length - 2, 200); i++) {
            bad[i] = (byte) (i * 37);
        }
        return bad;
    }
}
