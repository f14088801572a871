package io.quantedge.backend.nativecode;

/**
 * The JNI entry points of libquantedge_kernels (src/main/c/jni_bridge.c). Nothing here checks its
 * arguments: every caller validates shapes, offsets and lengths first, because a bad index here is
 * a JVM crash, not an exception. Matrix handles are addresses of native allocations made by the
 * pack methods and freed by {@link #release}.
 */
final class NativeKernels {

    private NativeKernels() {
    }

    /** Bit i set when {@link KernelVariant} with id i runs on this CPU. */
    static native int supportedVariants();

    static native long packedBytes(long matrix);

    static native void release(long matrix);

    static native long packInt8(byte[] b, int offset, int ldb, int k, int n, boolean signed, int[] zeroPoints);

    /** Columns of panels [firstPanel, firstPanel + panelCount), 16 columns a panel, the last one cut at N. */
    static native void int8Gemm(int variant, long matrix, int m, int firstPanel, int panelCount, byte[] a, int aOffset,
                                int lda, boolean aSigned, int aZeroPoint, int[] c, int cOffset, int ldc);

    static native void requantize(int m, int n, int[] acc, int accOffset, int ldAcc, int[] bias, float[] multiplier,
                                  int outZeroPoint, boolean outSigned, boolean halfToEven, byte[] out, int outOffset,
                                  int ldOut);

    static native long packFloat(float[] b, int offset, int ldb, int k, int n);

    static native void floatGemm(int variant, long matrix, int m, int firstPanel, int panelCount, float[] a,
                                 int aOffset, int lda, float[] c, int cOffset, int ldc, boolean accumulate);

    static native long packInt4(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);

    /** Columns [j0, j1). */
    static native void int4Matmul(int variant, long matrix, int m, int j0, int j1, float[] a, int aOffset, int lda,
                                  float[] c, int cOffset, int ldc);

    static native long packInt4Int8(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize);

    /** Columns [j0, j1), with A quantized to int8 per block. */
    static native void int4Int8Matmul(int variant, long matrix, int m, int j0, int j1, float[] a, int aOffset,
                                      int lda, float[] c, int cOffset, int ldc);

    static native long packDepthwise(byte[] filters, int offset, int channels, int taps, boolean signed,
                                     int[] zeroPoints);

    /** Channels [first, first + count) of a depthwise convolution, as int32 sums. */
    static native void depthwiseConv(int variant, long filters, int first, int count, int inH, int inW, int kH, int kW,
                                     int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
                                     int outH, int outW, byte[] x, int xOffset, boolean xSigned, int xZeroPoint,
                                     int[] y, int yOffset);

    /** Channels [first, first + count) of a depthwise convolution, requantized. */
    static native void depthwiseConvRequantized(int variant, long filters, int first, int count, int inH, int inW,
                                                int kH, int kW, int strideH, int strideW, int dilationH,
                                                int dilationW, int padTop, int padLeft, int outH, int outW, byte[] x,
                                                int xOffset, boolean xSigned, int xZeroPoint, int[] bias,
                                                float[] multiplier, int yZeroPoint, boolean ySigned,
                                                boolean halfToEven, byte[] y, int yOffset);
}
