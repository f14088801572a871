package io.quantedge.tck;

import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;

/** Depthwise kernels with one mistake each, of the kinds stencil kernels are prone to. */
final class DepthwiseFaults {

    private DepthwiseFaults() {
    }

    /** The scalar kernel, for faults to override one method of. */
    static class Delegating implements Int8DepthwiseConvKernel {

        final Int8DepthwiseConvKernel scalar = FaultyBackend.scalar(Int8DepthwiseConvKernel.class);

        @Override
        public PackedMatrix pack(byte[] filters, int offset, int channels, int taps, boolean signed,
                                 int[] zeroPoints) {
            return scalar.pack(filters, offset, channels, taps, signed, zeroPoints);
        }

        @Override
        public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                             PackedMatrix filters, int[] y, int yOffset) {
            scalar.convolve(channels, window, x, xOffset, xSigned, xZeroPoint, filters, y, yOffset);
        }

        @Override
        public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                        int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                        int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
            scalar.convolveRequantized(channels, window, x, xOffset, xSigned, xZeroPoint, filters, bias, multiplier,
                    yZeroPoint, ySigned, rounding, y, yOffset);
        }
    }

    /**
     * Pads the image with the value 0 rather than letting padding contribute nothing: right only
     * when the input zero point is 0 (the trap of padding a copy of the image with zero bytes).
     */
    static final class PadsWithZeros extends Delegating {

        @Override
        public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                             PackedMatrix filters, int[] y, int yOffset) {
            ConvWindow unpadded = unpadded(window);
            scalar.convolve(channels, unpadded, zeroPadded(channels, window, unpadded, x, xOffset), 0, xSigned,
                    xZeroPoint, filters, y, yOffset);
        }

        @Override
        public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                        int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                        int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
            ConvWindow unpadded = unpadded(window);
            scalar.convolveRequantized(channels, unpadded, zeroPadded(channels, window, unpadded, x, xOffset), 0,
                    xSigned, xZeroPoint, filters, bias, multiplier, yZeroPoint, ySigned, rounding, y, yOffset);
        }

        /** The same window over the image with its padding made part of it. */
        private static ConvWindow unpadded(ConvWindow w) {
            int height = Math.max(w.padTop() + w.inH(), (w.outH() - 1) * w.strideH() + (w.kH() - 1) * w.dilationH() + 1);
            int width = Math.max(w.padLeft() + w.inW(), (w.outW() - 1) * w.strideW() + (w.kW() - 1) * w.dilationW()
                    + 1);
            return new ConvWindow(height, width, w.kH(), w.kW(), w.strideH(), w.strideW(), w.dilationH(),
                    w.dilationW(), 0, 0, w.outH(), w.outW());
        }

        private static byte[] zeroPadded(int channels, ConvWindow w, ConvWindow unpadded, byte[] x, int xOffset) {
            byte[] image = new byte[channels * unpadded.inPlane()];
            for (int c = 0; c < channels; c++) {
                for (int row = 0; row < w.inH(); row++) {
                    System.arraycopy(x, xOffset + (c * w.inH() + row) * w.inW(), image,
                            (c * unpadded.inH() + w.padTop() + row) * unpadded.inW() + w.padLeft(), w.inW());
                }
            }
            return image;
        }
    }

    /** Requantizes every channel with the first multiplier: right only for per-tensor scales. */
    static final class OneMultiplierForAll extends Delegating {

        @Override
        public void convolveRequantized(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned,
                                        int xZeroPoint, PackedMatrix filters, int[] bias, float[] multiplier,
                                        int yZeroPoint, boolean ySigned, Rounding rounding, byte[] y, int yOffset) {
            scalar.convolveRequantized(channels, window, x, xOffset, xSigned, xZeroPoint, filters, bias,
                    new float[] {multiplier[0]}, yZeroPoint, ySigned, rounding, y, yOffset);
        }
    }

    /** Takes any input zero point, bringing one outside the type back into it instead of refusing the call. */
    static final class AcceptsAnyZeroPoint extends Delegating {

        @Override
        public void convolve(int channels, ConvWindow window, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                             PackedMatrix filters, int[] y, int yOffset) {
            scalar.convolve(channels, window, x, xOffset, xSigned, Math.max(xSigned ? -128 : 0,
                    Math.min(xSigned ? 127 : 255, xZeroPoint)), filters, y, yOffset);
        }
    }
}
