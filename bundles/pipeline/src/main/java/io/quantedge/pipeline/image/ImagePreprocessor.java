package io.quantedge.pipeline.image;

import io.quantedge.api.modelpackage.Preprocessing.Color;
import io.quantedge.api.modelpackage.Preprocessing.Layout;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.QuantParams;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;

/**
 * Turns image frames into a model input tensor: decode (JPEG, PNG, raw GRAY8/RGB8), fit and
 * resample to the input size, colour order, scale and normalise, lay out, and quantize for
 * integer inputs. Its buffers (pixels, sampling tables, the tensor's bytes) are reused from frame
 * to frame and only grow when a larger frame arrives, so the steady state allocates nothing but
 * the tensor's small wrapper (and whatever ImageIO allocates for encoded frames). One instance per
 * pipeline worker: it is not thread-safe, and the tensor it returns is overwritten by the next call.
 */
public final class ImagePreprocessor {

    private static final float LUMA_R = 0.299f;
    private static final float LUMA_G = 0.587f;
    private static final float LUMA_B = 0.114f;

    private final ImageSettings settings;
    private final DataType inputType;
    private final Shape shape;
    private final int width;
    private final int height;
    private final int channels;
    private final float[] gain;
    private final float[] offset;
    private final ByteBuffer out;
    private final QuantParams quantization;

    private byte[] encoded = new byte[0];
    private int[] argb = new int[0];
    private byte[] pixels = new byte[0];
    private int sourceWidth;
    private int sourceHeight;
    private int sourceChannels;

    // Sampling tables for the last source size; -1 in x0/y0 marks letterbox padding.
    private int tableWidth = -1;
    private int tableHeight = -1;
    private final int[] x0;
    private final int[] x1;
    private final float[] fx;
    private final int[] y0;
    private final int[] y1;
    private final float[] fy;
    private double scaleX;
    private double scaleY;
    private double offsetX;
    private double offsetY;

    /**
     * @param inputType FP32, INT8 or UINT8: the model input's element type
     * @param shape the input tensor's shape; its element count must be width x height x channels
     */
    public ImagePreprocessor(ImageSettings settings, DataType inputType, Shape shape) {
        this.settings = settings;
        this.inputType = inputType;
        this.shape = shape;
        this.width = settings.width();
        this.height = settings.height();
        this.channels = settings.channels();
        if (inputType != DataType.FP32 && inputType != DataType.INT8 && inputType != DataType.UINT8) {
            throw new IllegalArgumentException("an image input must be FP32, INT8 or UINT8, the model's is "
                    + inputType);
        }
        long elements = (long) width * height * channels;
        if (shape.elementCount() != elements) {
            throw new IllegalArgumentException("the model input " + shape + " does not hold a " + width + "x" + height
                    + " " + settings.color() + " image (" + elements + " values)");
        }
        gain = new float[channels];
        offset = new float[channels];
        double[] mean = settings.mean();
        double[] std = settings.std();
        for (int c = 0; c < channels; c++) {
            gain[c] = (float) (settings.scale() / std[c]);
            offset[c] = (float) (-mean[c] / std[c]);
        }
        out = ByteBuffer.allocate(Math.toIntExact(inputType.byteSize(elements))).order(ByteOrder.LITTLE_ENDIAN);
        quantization = inputType == DataType.FP32 || settings.inputScale() == 0 ? null
                : QuantParams.perTensor((float) settings.inputScale(), settings.inputZeroPoint());
        x0 = new int[width];
        x1 = new int[width];
        fx = new float[width];
        y0 = new int[height];
        y1 = new int[height];
        fy = new float[height];
    }

    /** The model input for {@code frame}; valid until the next call. */
    public Tensor prepare(Frame frame) throws FrameException {
        load(frame);
        if (sourceWidth != tableWidth || sourceHeight != tableHeight) {
            buildTables();
        }
        fill();
        Tensor tensor = Tensor.of(inputType, shape, out.duplicate().clear());
        return quantization == null ? tensor : tensor.withQuantization(quantization);
    }

    public int inputWidth() {
        return width;
    }

    public int inputHeight() {
        return height;
    }

    /** Width of the last frame prepared. */
    public int sourceWidth() {
        return sourceWidth;
    }

    /** Height of the last frame prepared. */
    public int sourceHeight() {
        return sourceHeight;
    }

    /** Maps an x coordinate in input pixels back to pixels of the last frame, clamped to it. */
    public float toSourceX(float inputX) {
        return clamp((float) ((inputX - offsetX) / scaleX), sourceWidth);
    }

    /** Maps a y coordinate in input pixels back to pixels of the last frame, clamped to it. */
    public float toSourceY(float inputY) {
        return clamp((float) ((inputY - offsetY) / scaleY), sourceHeight);
    }

    private static float clamp(float value, int limit) {
        return Math.max(0f, Math.min(limit, value));
    }

    private void load(Frame frame) throws FrameException {
        ByteBuffer payload = frame.payload();
        switch (frame.mediaType()) {
            case Frame.GRAY8 -> loadRaw(frame, payload, 1);
            case Frame.RGB8 -> loadRaw(frame, payload, 3);
            case Frame.JPEG, Frame.PNG -> decode(payload);
            default -> throw new FrameException(FrameException.Code.UNSUPPORTED_MEDIA, "a pipeline reads "
                    + Frame.JPEG + ", " + Frame.PNG + ", " + Frame.GRAY8 + " or " + Frame.RGB8 + ", not "
                    + frame.mediaType());
        }
    }

    private void loadRaw(Frame frame, ByteBuffer payload, int sourceChannels) throws FrameException {
        int w = dimension(frame, Frame.WIDTH);
        int h = dimension(frame, Frame.HEIGHT);
        long expected = (long) w * h * sourceChannels;
        if (payload.remaining() != expected) {
            throw new FrameException(FrameException.Code.UNDECODABLE, "a " + w + "x" + h + " " + frame.mediaType()
                    + " frame needs " + expected + " bytes, got " + payload.remaining());
        }
        ensurePixels((int) expected);
        payload.get(pixels, 0, (int) expected);
        this.sourceWidth = w;
        this.sourceHeight = h;
        this.sourceChannels = sourceChannels;
    }

    private static int dimension(Frame frame, String attribute) throws FrameException {
        String text = frame.attributes().get(attribute);
        if (text == null) {
            throw new FrameException(FrameException.Code.MISSING_SIZE, frame.mediaType() + " frames need the '"
                    + attribute + "' attribute");
        }
        try {
            int value = Integer.parseInt(text);
            if (value < 1 || value > 1 << 15) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new FrameException(FrameException.Code.MISSING_SIZE, "'" + attribute + "' must be 1 to 32768, was '"
                    + text + "'");
        }
    }

    private void decode(ByteBuffer payload) throws FrameException {
        int length = payload.remaining();
        if (encoded.length < length) {
            encoded = new byte[length];
        }
        payload.get(encoded, 0, length);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(encoded, 0, length));
        } catch (IOException | RuntimeException e) {
            throw new FrameException(FrameException.Code.UNDECODABLE, "the image does not decode: " + e.getMessage());
        }
        if (image == null) {
            throw new FrameException(FrameException.Code.UNDECODABLE, "the payload is not a JPEG or PNG image");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int count = w * h;
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            ensurePixels(count);
            image.getRaster().getDataElements(0, 0, w, h, pixels);
            sourceChannels = 1;
        } else {
            if (argb.length < count) {
                argb = new int[count];
            }
            image.getRGB(0, 0, w, h, argb, 0, w);
            ensurePixels(count * 3);
            for (int i = 0, p = 0; i < count; i++, p += 3) {
                int v = argb[i];
                pixels[p] = (byte) (v >> 16);
                pixels[p + 1] = (byte) (v >> 8);
                pixels[p + 2] = (byte) v;
            }
            sourceChannels = 3;
        }
        sourceWidth = w;
        sourceHeight = h;
    }

    private void ensurePixels(int bytes) {
        if (pixels.length < bytes) {
            pixels = new byte[bytes];
        }
    }

    private void buildTables() {
        double sx = (double) width / sourceWidth;
        double sy = (double) height / sourceHeight;
        switch (settings.fit()) {
            case STRETCH -> {
                scaleX = sx;
                scaleY = sy;
            }
            case CROP -> {
                scaleX = Math.max(sx, sy);
                scaleY = scaleX;
            }
            case LETTERBOX -> {
                scaleX = Math.min(sx, sy);
                scaleY = scaleX;
            }
        }
        offsetX = (width - sourceWidth * scaleX) / 2;
        offsetY = (height - sourceHeight * scaleY) / 2;
        axisTable(width, sourceWidth, scaleX, offsetX, x0, x1, fx);
        axisTable(height, sourceHeight, scaleY, offsetY, y0, y1, fy);
        tableWidth = sourceWidth;
        tableHeight = sourceHeight;
    }

    /**
     * Where each output position samples the source along one axis (half-pixel centres, as
     * OpenCV's and PyTorch's resize without corner alignment): the two neighbours and the weight
     * of the second, or -1 for a position in the letterbox padding.
     */
    private void axisTable(int size, int sourceSize, double scale, double offset, int[] lo, int[] hi, float[] weight) {
        for (int i = 0; i < size; i++) {
            double centre = i + 0.5 - offset;
            if (centre < 0 || centre > sourceSize * scale) {
                lo[i] = -1;
                hi[i] = -1;
                weight[i] = 0;
                continue;
            }
            if (settings.interpolation() == ImageSettings.Interpolation.NEAREST) {
                int at = Math.min(sourceSize - 1, (int) Math.floor(centre / scale));
                lo[i] = at;
                hi[i] = at;
                weight[i] = 0;
            } else {
                double u = Math.max(0, Math.min(sourceSize - 1, centre / scale - 0.5));
                int first = (int) Math.floor(u);
                lo[i] = first;
                hi[i] = Math.min(first + 1, sourceSize - 1);
                weight[i] = (float) (u - first);
            }
        }
    }

    private void fill() {
        boolean planar = settings.layout() == Layout.NCHW;
        int plane = width * height;
        float pad = settings.padValue();
        for (int y = 0; y < height; y++) {
            int ya = y0[y];
            int yb = y1[y];
            float wy = fy[y];
            for (int x = 0; x < width; x++) {
                int xa = x0[x];
                int xb = x1[x];
                float wx = fx[x];
                boolean padded = ya < 0 || xa < 0;
                for (int c = 0; c < channels; c++) {
                    float v;
                    if (padded) {
                        v = pad;
                    } else {
                        float top = channel(ya, xa, c) + wx * (channel(ya, xb, c) - channel(ya, xa, c));
                        float bottom = channel(yb, xa, c) + wx * (channel(yb, xb, c) - channel(yb, xa, c));
                        v = top + wy * (bottom - top);
                    }
                    int index = planar ? c * plane + y * width + x : (y * width + x) * channels + c;
                    write(index, v * gain[c] + offset[c]);
                }
            }
        }
    }

    /** Channel {@code c} of the target colour order at source pixel (row, column), 0 to 255. */
    private float channel(int row, int column, int c) {
        int p = (row * sourceWidth + column) * sourceChannels;
        if (sourceChannels == 1) {
            return pixels[p] & 0xFF;
        }
        int r = pixels[p] & 0xFF;
        int g = pixels[p + 1] & 0xFF;
        int b = pixels[p + 2] & 0xFF;
        Color color = settings.color();
        if (color == Color.GRAY) {
            return LUMA_R * r + LUMA_G * g + LUMA_B * b;
        }
        int k = color == Color.RGB ? c : 2 - c;
        return k == 0 ? r : k == 1 ? g : b;
    }

    private void write(int index, float value) {
        if (inputType == DataType.FP32) {
            out.putFloat(index * 4, value);
            return;
        }
        double q = settings.inputScale() == 0 ? value : value / settings.inputScale();
        long rounded = (long) Math.rint(q) + settings.inputZeroPoint();
        long min = inputType.minValue();
        long max = inputType.maxValue();
        out.put(index, (byte) Math.max(min, Math.min(max, rounded)));
    }
}
