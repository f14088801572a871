package io.quantedge.tck;

import io.quantedge.api.kernel.ConvWindow;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** One depthwise convolution: its channel count and window, with the end pads that set the output size. */
record DepthwiseShape(int channels, ConvWindow window, int padBottom, int padRight) {

    /**
     * The shapes every depthwise kernel is checked on: MobileNet's layers in small, one-row and
     * one-column images, 3x3, 5x5, 7x7, 1x1, 3x1 and 1x3 kernels, strides 1, 2, 3 and mixed,
     * dilation 2, asymmetric pads and pads beyond the kernel's reach (windows wholly in padding),
     * widths around the vector widths, large planes, empty ones, and a seeded sample of the rest.
     */
    static List<DepthwiseShape> sweep(long seed) {
        Set<DepthwiseShape> shapes = new LinkedHashSet<>();
        // MobileNetV2's 3x3 layers, stride 1 and 2, with ONNX's and TensorFlow's ("SAME") padding.
        shapes.add(of(16, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        shapes.add(of(16, 12, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
        shapes.add(of(17, 13, 13, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1));
        shapes.add(of(32, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        shapes.add(of(7, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
        // One-row and one-column images, and a single pixel.
        shapes.add(of(3, 1, 37, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1));
        shapes.add(of(3, 37, 1, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0));
        shapes.add(of(2, 1, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        shapes.add(of(2, 17, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
        shapes.add(of(2, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        // Other kernels.
        shapes.add(of(3, 11, 9, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2));
        shapes.add(of(3, 11, 9, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2));
        shapes.add(of(5, 7, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0));
        shapes.add(of(5, 7, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0));
        shapes.add(of(4, 9, 8, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0));
        shapes.add(of(4, 9, 8, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1));
        shapes.add(of(2, 14, 15, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3));
        // Dilation.
        shapes.add(of(3, 10, 11, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2));
        shapes.add(of(3, 10, 11, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2));
        shapes.add(of(3, 10, 11, 3, 3, 1, 1, 1, 3, 1, 3, 1, 3));
        // Asymmetric pads, and pads beyond the kernel's reach.
        shapes.add(of(3, 8, 9, 3, 3, 1, 1, 1, 1, 0, 2, 1, 0));
        shapes.add(of(3, 8, 9, 3, 3, 2, 1, 1, 1, 2, 0, 0, 1));
        shapes.add(of(2, 5, 5, 3, 3, 1, 1, 1, 1, 4, 5, 4, 6));
        shapes.add(of(2, 4, 4, 3, 3, 2, 2, 1, 1, 5, 5, 5, 5));
        // Other strides.
        shapes.add(of(3, 10, 10, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1));
        shapes.add(of(3, 9, 10, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1));
        shapes.add(of(3, 10, 9, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1));
        // Widths around 16, 32 and 48 lanes, stride 1 and 2.
        for (int width : new int[] {15, 16, 17, 31, 33, 47, 48, 49}) {
            shapes.add(of(2, 5, width, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
            shapes.add(of(2, 5, width, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
        }
        // Large planes, and one wider than a row block of any reasonable kernel.
        shapes.add(of(8, 48, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        shapes.add(of(4, 96, 96, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
        shapes.add(of(3, 60, 70, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4));
        shapes.add(of(2, 3, 5000, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        // Nothing to compute: no channels, and an image smaller than the kernel without padding.
        shapes.add(of(0, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
        shapes.add(of(2, 2, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0));
        Random random = new Random(seed);
        for (int sampled = 0; sampled < 24; sampled++) {
            int kH = 1 + random.nextInt(5);
            int kW = 1 + random.nextInt(5);
            shapes.add(of(1 + random.nextInt(20), 1 + random.nextInt(30), 1 + random.nextInt(40), kH, kW,
                    1 + random.nextInt(3), 1 + random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(2),
                    random.nextInt(kH + 2), random.nextInt(kW + 2), random.nextInt(kH + 2), random.nextInt(kW + 2)));
        }
        return List.copyOf(shapes);
    }

    /** The shape with the output size ONNX gives these pads (none where the window does not fit). */
    static DepthwiseShape of(int channels, int inH, int inW, int kH, int kW, int strideH, int strideW,
                             int dilationH, int dilationW, int padTop, int padLeft, int padBottom, int padRight) {
        int outH = outputSize(inH, kH, strideH, dilationH, padTop + padBottom);
        int outW = outputSize(inW, kW, strideW, dilationW, padLeft + padRight);
        return new DepthwiseShape(channels, new ConvWindow(inH, inW, kH, kW, strideH, strideW, dilationH, dilationW,
                padTop, padLeft, outH, outW), padBottom, padRight);
    }

    private static int outputSize(int in, int k, int stride, int dilation, int pads) {
        int room = in + pads - dilation * (k - 1) - 1;
        return room < 0 ? 0 : room / stride + 1;
    }

    int inputLength() {
        return channels * window.inPlane();
    }

    int outputLength() {
        return channels * window.outPlane();
    }

    @Override
    public String toString() {
        ConvWindow w = window;
        return channels + " ch, " + w.inH() + "x" + w.inW() + " image, " + w.kH() + "x" + w.kW() + " kernel, stride "
                + w.strideH() + "x" + w.strideW() + ", dilation " + w.dilationH() + "x" + w.dilationW() + ", pads "
                + w.padTop() + "," + w.padLeft() + "," + padBottom + "," + padRight + " -> " + w.outH() + "x"
                + w.outW();
    }
}
