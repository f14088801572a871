package io.quantedge.tck;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.ConvWindow;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Calls outside the contract: offsets, leading dimensions and lengths that put a matrix outside
 * its array (including ones whose end overflows int arithmetic and wraps back inside, the case
 * that crashes a native kernel checking in 32 bits), counts that do not match the columns, and
 * packed matrices of another shape or from elsewhere. Each must be refused as the scalar backend
 * refuses it, with IllegalArgumentException, before anything is written; for a JNI backend this is
 * what stands between a bad model and a crashed gateway.
 *
 * <p>Every case is a product with M = 3, N = 5, K = 7 that is well formed but for the one thing
 * its name says.
 */
final class RefusalConformance {

    private static final int M = 3;
    private static final int N = 5;
    private static final int K = 7;
    /** A leading dimension for which 2 rows overflow int: (M - 1) x WRAPPING_LD wraps to a small number. */
    private static final int WRAPPING_LD = (1 << 31 >>> 1) + 1;

    private RefusalConformance() {
    }

    static Stream<DynamicNode> int8(Int8GemmKernel tested, Int8GemmKernel oracle) {
        Supplier<Object> c = () -> filled(new int[M * N], 77);
        Supplier<Object> out = () -> filled(new byte[M * N], (byte) 77);
        byte[] a = new byte[M * K];
        byte[] b = new byte[K * N];
        int[] one = {0};
        int[] acc = new int[M * N];
        List<Misuse<Int8GemmKernel>> cases = List.of(
                gemm8("negative M", c, -1, N, K, a, 0, K, K, N, 0, N),
                gemm8("A at a negative offset", c, M, N, K, a, -1, K, K, N, 0, N),
                gemm8("A shorter than M x K", c, M, N, K, new byte[M * K - 1], 0, K, K, N, 0, N),
                gemm8("A's offset puts its end past the array", c, M, N, K, a, 1, K, K, N, 0, N),
                gemm8("lda less than K", c, M, N, K, a, 0, K - 1, K, N, 0, N),
                gemm8("lda whose row offsets overflow int", c, M, N, K, a, 0, WRAPPING_LD, K, N, 0, N),
                gemm8("C at a negative offset", c, M, N, K, a, 0, K, K, N, -1, N),
                gemm8("C's offset puts its end past the array", c, M, N, K, a, 0, K, K, N, 1, N),
                gemm8("ldc less than N", c, M, N, K, a, 0, K, K, N, 0, N - 1),
                gemm8("ldc whose row offsets overflow int", c, M, N, K, a, 0, K, K, N, 0, WRAPPING_LD),
                gemm8("B packed with another K", c, M, N, K, a, 0, K, K + 1, N, 0, N),
                gemm8("B packed with another N", c, M, N, K, a, 0, K, K, N - 1, 0, N),
                new Misuse<>("B packed by something else", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K, true, 0,
                        new ForeignPackedMatrix(K, N), (int[]) output, 0, N)),
                new Misuse<>("B null", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K, true, 0, null,
                        (int[]) output, 0, N)),
                new Misuse<>("pack: B at a negative offset", c, (kernel, output) -> kernel.pack(b, -1, N, K, N, true, one)),
                new Misuse<>("pack: B shorter than K x N", c, (kernel, output) -> kernel.pack(new byte[K * N - 1], 0, N,
                        K, N, true, one)),
                new Misuse<>("pack: ldb less than N", c, (kernel, output) -> kernel.pack(b, 0, N - 1, K, N, true, one)),
                new Misuse<>("pack: ldb whose row offsets overflow int", c, (kernel, output) -> kernel.pack(b, 0,
                        WRAPPING_LD, M, N, true, one)),
                new Misuse<>("pack: negative K", c, (kernel, output) -> kernel.pack(b, 0, N, -1, N, true, one)),
                new Misuse<>("pack: 2 zero points for 5 columns", c, (kernel, output) -> kernel.pack(b, 0, N, K, N, true,
                        new int[2])),
                new Misuse<>("pack: no zero points", c, (kernel, output) -> kernel.pack(b, 0, N, K, N, true,
                        new int[0])),
                requantize("requantize: acc at a negative offset", out, acc, -1, N, null, new float[] {1f}, 0, N),
                requantize("requantize: acc shorter than M x N", out, new int[M * N - 1], 0, N, null, new float[] {1f},
                        0, N),
                requantize("requantize: ldAcc less than N", out, acc, 0, N - 1, null, new float[] {1f}, 0, N),
                requantize("requantize: ldAcc whose row offsets overflow int", out, acc, 0, WRAPPING_LD, null,
                        new float[] {1f}, 0, N),
                requantize("requantize: out at a negative offset", out, acc, 0, N, null, new float[] {1f}, -1, N),
                requantize("requantize: out's offset puts its end past the array", out, acc, 0, N, null,
                        new float[] {1f}, 1, N),
                requantize("requantize: ldOut less than N", out, acc, 0, N, null, new float[] {1f}, 0, N - 1),
                requantize("requantize: ldOut whose row offsets overflow int", out, acc, 0, N, null, new float[] {1f},
                        0, WRAPPING_LD),
                requantize("requantize: 2 multipliers for 5 columns", out, acc, 0, N, null, new float[2], 0, N),
                requantize("requantize: no multipliers", out, acc, 0, N, null, new float[0], 0, N),
                requantize("requantize: 4 biases for 5 columns", out, acc, 0, N, new int[N - 1], new float[] {1f}, 0,
                        N));
        return tests(cases, tested, oracle);
    }

    static Stream<DynamicNode> floats(FloatGemmKernel tested, FloatGemmKernel oracle) {
        Supplier<Object> c = () -> filled(new float[M * N], 7f);
        float[] a = new float[M * K];
        float[] b = new float[K * N];
        List<Misuse<FloatGemmKernel>> cases = List.of(
                gemmFloat("negative M", c, -1, a, 0, K, b, 0, N, 0, N),
                gemmFloat("A at a negative offset", c, M, a, -1, K, b, 0, N, 0, N),
                gemmFloat("A shorter than M x K", c, M, new float[M * K - 1], 0, K, b, 0, N, 0, N),
                gemmFloat("A's offset puts its end past the array", c, M, a, 1, K, b, 0, N, 0, N),
                gemmFloat("lda less than K", c, M, a, 0, K - 1, b, 0, N, 0, N),
                gemmFloat("lda whose row offsets overflow int", c, M, a, 0, WRAPPING_LD, b, 0, N, 0, N),
                gemmFloat("B at a negative offset", c, M, a, 0, K, b, -1, N, 0, N),
                gemmFloat("B shorter than K x N", c, M, a, 0, K, new float[K * N - 1], 0, N, 0, N),
                gemmFloat("ldb less than N", c, M, a, 0, K, b, 0, N - 1, 0, N),
                gemmFloat("ldb whose row offsets overflow int", c, M, a, 0, K, b, 0, WRAPPING_LD, 0, N),
                gemmFloat("C at a negative offset", c, M, a, 0, K, b, 0, N, -1, N),
                gemmFloat("C's offset puts its end past the array", c, M, a, 0, K, b, 0, N, 1, N),
                gemmFloat("ldc less than N", c, M, a, 0, K, b, 0, N, 0, N - 1),
                gemmFloat("ldc whose row offsets overflow int", c, M, a, 0, K, b, 0, N, 0, WRAPPING_LD),
                new Misuse<>("packed: A shorter than M x K", c, (kernel, output) -> kernel.gemm(M, N, K,
                        new float[M * K - 1], 0, K, kernel.pack(b, 0, N, K, N), (float[]) output, 0, N, false)),
                new Misuse<>("packed: ldc whose row offsets overflow int", c, (kernel, output) -> kernel.gemm(M, N, K, a,
                        0, K, kernel.pack(b, 0, N, K, N), (float[]) output, 0, WRAPPING_LD, false)),
                new Misuse<>("packed: B packed with another K", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K,
                        kernel.pack(new float[(K + 1) * N], 0, N, K + 1, N), (float[]) output, 0, N, true)),
                new Misuse<>("packed: B packed with another N", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K,
                        kernel.pack(b, 0, N, K, N - 1), (float[]) output, 0, N, false)),
                new Misuse<>("packed: B packed by something else", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K,
                        new ForeignPackedMatrix(K, N), (float[]) output, 0, N, false)),
                new Misuse<>("packed: B null", c, (kernel, output) -> kernel.gemm(M, N, K, a, 0, K, (PackedMatrix) null,
                        (float[]) output, 0, N, false)),
                new Misuse<>("pack: B at a negative offset", c, (kernel, output) -> kernel.pack(b, -1, N, K, N)),
                new Misuse<>("pack: B shorter than K x N", c, (kernel, output) -> kernel.pack(new float[K * N - 1], 0, N,
                        K, N)),
                new Misuse<>("pack: ldb less than N", c, (kernel, output) -> kernel.pack(b, 0, N - 1, K, N)),
                new Misuse<>("pack: ldb whose row offsets overflow int", c, (kernel, output) -> kernel.pack(b, 0,
                        WRAPPING_LD, M, N)),
                new Misuse<>("pack: negative N", c, (kernel, output) -> kernel.pack(b, 0, N, K, -1)));
        return tests(cases, tested, oracle);
    }

    static Stream<DynamicNode> int4(BlockwiseInt4Kernel tested, BlockwiseInt4Kernel oracle) {
        Supplier<Object> c = () -> filled(new float[M * N], 7f);
        float[] a = new float[M * K];
        // K = 7 in one block of 16: 8 bytes and one scale per column.
        byte[] quantized = new byte[N * 8];
        float[] scales = new float[N];
        List<Misuse<BlockwiseInt4Kernel>> cases = List.of(
                matmul("negative M", c, -1, a, 0, K, 0, N),
                matmul("A at a negative offset", c, M, a, -1, K, 0, N),
                matmul("A shorter than M x K", c, M, new float[M * K - 1], 0, K, 0, N),
                matmul("A's offset puts its end past the array", c, M, a, 1, K, 0, N),
                matmul("lda less than K", c, M, a, 0, K - 1, 0, N),
                matmul("lda whose row offsets overflow int", c, M, a, 0, WRAPPING_LD, 0, N),
                matmul("C at a negative offset", c, M, a, 0, K, -1, N),
                matmul("C's offset puts its end past the array", c, M, a, 0, K, 1, N),
                matmul("ldc less than N", c, M, a, 0, K, 0, N - 1),
                matmul("ldc whose row offsets overflow int", c, M, a, 0, K, 0, WRAPPING_LD),
                new Misuse<>("W packed with another K", c, (kernel, output) -> kernel.matmul(M, N, K, a, 0, K,
                        kernel.pack(quantized, scales, null, K + 1, N, 16), (float[]) output, 0, N)),
                new Misuse<>("W packed with another N", c, (kernel, output) -> kernel.matmul(M, N, K, a, 0, K,
                        kernel.pack(new byte[(N + 1) * 8], new float[N + 1], null, K, N + 1, 16), (float[]) output, 0,
                        N)),
                new Misuse<>("W packed by something else", c, (kernel, output) -> kernel.matmul(M, N, K, a, 0, K,
                        new ForeignPackedMatrix(K, N), (float[]) output, 0, N)),
                new Misuse<>("W null", c, (kernel, output) -> kernel.matmul(M, N, K, a, 0, K, null, (float[]) output, 0,
                        N)));
        return tests(cases, tested, oracle);
    }

    /**
     * Depthwise convolutions of C = 3 channels, a 5 x 6 image, a 3 x 3 kernel with pads 1 (so a
     * 5 x 6 output), well formed but for the one thing each name says.
     */
    static Stream<DynamicNode> depthwise(Int8DepthwiseConvKernel tested, Int8DepthwiseConvKernel oracle) {
        int c = 3;
        ConvWindow window = new ConvWindow(5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6);
        int in = c * window.inPlane();
        int out = c * window.outPlane();
        Supplier<Object> sums = () -> filled(new int[out], 77);
        Supplier<Object> bytes = () -> filled(new byte[out], (byte) 77);
        byte[] x = new byte[in];
        byte[] w = new byte[c * 9];
        int[] one = {0};
        float[] multiplier = {0.5f};
        List<Misuse<Int8DepthwiseConvKernel>> cases = List.of(
                sums("negative channel count", sums, -1, window, x, 0, 0, c, 9, 0),
                sums("x at a negative offset", sums, c, window, x, -1, 0, c, 9, 0),
                sums("x shorter than channels x inH x inW", sums, c, window, new byte[in - 1], 0, 0, c, 9, 0),
                sums("x's offset puts its end past the array", sums, c, window, x, 1, 0, c, 9, 0),
                sums("x's offset makes its end overflow int", sums, c, window, x, Integer.MAX_VALUE - 2, 0, c, 9, 0),
                sums("y at a negative offset", sums, c, window, x, 0, 0, c, 9, -1),
                sums("y's offset puts its end past the array", sums, c, window, x, 0, 0, c, 9, 1),
                sums("y's offset makes its end overflow int", sums, c, window, x, 0, 0, c, 9, Integer.MAX_VALUE - 2),
                sums("an int8 x zero point of 128", sums, c, window, x, 0, 128, c, 9, 0),
                new Misuse<>("a uint8 x zero point of -1", sums, (kernel, output) -> kernel.convolve(c, window, x, 0,
                        false, -1, kernel.pack(w, 0, c, 9, true, one), (int[]) output, 0)),
                sums("filters packed for 4 channels", sums, c, window, x, 0, 0, c + 1, 9, 0),
                sums("filters packed with 8 taps for a 3 x 3 kernel", sums, c, window, x, 0, 0, c, 8, 0),
                new Misuse<>("filters packed by something else", sums, (kernel, output) -> kernel.convolve(c, window,
                        x, 0, true, 0, new ForeignPackedMatrix(c, 9), (int[]) output, 0)),
                new Misuse<>("filters null", sums, (kernel, output) -> kernel.convolve(c, window, x, 0, true, 0, null,
                        (int[]) output, 0)),
                new Misuse<>("window null", sums, (kernel, output) -> kernel.convolve(c, null, x, 0, true, 0,
                        kernel.pack(w, 0, c, 9, true, one), (int[]) output, 0)),
                new Misuse<>("x null", sums, (kernel, output) -> kernel.convolve(c, window, null, 0, true, 0,
                        kernel.pack(w, 0, c, 9, true, one), (int[]) output, 0)),
                requantized("requantized: y's offset puts its end past the array", bytes, window, x, one, null,
                        multiplier, 0, true, Rounding.HALF_TO_EVEN, 1),
                requantized("requantized: x shorter than channels x inH x inW", bytes, window, Arrays.copyOf(x,
                        in - 1), one, null, multiplier, 0, true, Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: 2 multipliers for 3 channels", bytes, window, x, one, null, new float[2], 0,
                        true, Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: no multipliers", bytes, window, x, one, null, new float[0], 0, true,
                        Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: multipliers null", bytes, window, x, one, null, null, 0, true,
                        Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: 2 biases for 3 channels", bytes, window, x, one, new int[2], multiplier, 0,
                        true, Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: an int8 y zero point of -129", bytes, window, x, one, null, multiplier,
                        -129, true, Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: a uint8 y zero point of 256", bytes, window, x, one, null, multiplier, 256,
                        false, Rounding.HALF_TO_EVEN, 0),
                requantized("requantized: rounding null", bytes, window, x, one, null, multiplier, 0, true, null, 0),
                new Misuse<>("requantized: filters packed for 4 channels", bytes, (kernel, output) ->
                        kernel.convolveRequantized(c, window, x, 0, true, 0, kernel.pack(new byte[36], 0, c + 1, 9,
                                true, one), null, multiplier, 0, true, Rounding.HALF_TO_EVEN, (byte[]) output, 0)),
                new Misuse<>("pack: filters at a negative offset", sums, (kernel, output) -> kernel.pack(w, -1, c, 9,
                        true, one)),
                new Misuse<>("pack: filters shorter than channels x taps", sums, (kernel, output) -> kernel.pack(
                        new byte[c * 9 - 1], 0, c, 9, true, one)),
                new Misuse<>("pack: filters null", sums, (kernel, output) -> kernel.pack(null, 0, c, 9, true, one)),
                new Misuse<>("pack: negative channel count", sums, (kernel, output) -> kernel.pack(w, 0, -1, 9, true,
                        one)),
                new Misuse<>("pack: no taps", sums, (kernel, output) -> kernel.pack(w, 0, c, 0, true, one)),
                new Misuse<>("pack: 2 zero points for 3 channels", sums, (kernel, output) -> kernel.pack(w, 0, c, 9,
                        true, new int[2])),
                new Misuse<>("pack: no zero points", sums, (kernel, output) -> kernel.pack(w, 0, c, 9, true,
                        new int[0])),
                new Misuse<>("pack: zero points null", sums, (kernel, output) -> kernel.pack(w, 0, c, 9, true, null)),
                new Misuse<>("pack: an int8 zero point of 128", sums, (kernel, output) -> kernel.pack(w, 0, c, 9, true,
                        new int[] {0, 128, 0})),
                new Misuse<>("pack: a uint8 zero point of -1", sums, (kernel, output) -> kernel.pack(w, 0, c, 9, false,
                        new int[] {-1})));
        return tests(cases, tested, oracle);
    }

    private static Misuse<Int8DepthwiseConvKernel> sums(String name, Supplier<Object> y, int channels,
                                                        ConvWindow window, byte[] x, int xOffset, int xZero,
                                                        int packedChannels, int packedTaps, int yOffset) {
        byte[] w = new byte[Math.max(packedChannels, 0) * packedTaps];
        return new Misuse<>(name, y, (kernel, output) -> kernel.convolve(channels, window, x, xOffset, true, xZero,
                kernel.pack(w, 0, packedChannels, packedTaps, true, new int[] {0}), (int[]) output, yOffset));
    }

    private static Misuse<Int8DepthwiseConvKernel> requantized(String name, Supplier<Object> y, ConvWindow window,
                                                               byte[] x, int[] wZeros, int[] bias, float[] multiplier,
                                                               int yZero, boolean ySigned, Rounding rounding,
                                                               int yOffset) {
        int channels = 3;
        byte[] w = new byte[channels * window.taps()];
        return new Misuse<>(name, y, (kernel, output) -> kernel.convolveRequantized(channels, window, x, 0, false, 0,
                kernel.pack(w, 0, channels, window.taps(), true, wZeros), bias, multiplier, yZero, ySigned, rounding,
                (byte[]) output, yOffset));
    }

    private static Misuse<Int8GemmKernel> gemm8(String name, Supplier<Object> c, int m, int n, int k, byte[] a,
                                                int aOffset, int lda, int packedK, int packedN, int cOffset, int ldc) {
        byte[] b = new byte[Math.max(packedK, 0) * Math.max(packedN, 0)];
        return new Misuse<>(name, c, (kernel, output) -> kernel.gemm(m, n, k, a, aOffset, lda, false, 0,
                kernel.pack(b, 0, packedN, packedK, packedN, true, new int[] {0}), (int[]) output, cOffset, ldc));
    }

    private static Misuse<Int8GemmKernel> requantize(String name, Supplier<Object> out, int[] acc, int accOffset,
                                                     int ldAcc, int[] bias, float[] multipliers, int outOffset,
                                                     int ldOut) {
        return new Misuse<>(name, out, (kernel, output) -> kernel.requantize(M, N, acc, accOffset, ldAcc, bias,
                multipliers, 0, true, Rounding.HALF_TO_EVEN, (byte[]) output, outOffset, ldOut));
    }

    private static Misuse<FloatGemmKernel> gemmFloat(String name, Supplier<Object> c, int m, float[] a, int aOffset,
                                                     int lda, float[] b, int bOffset, int ldb, int cOffset, int ldc) {
        return new Misuse<>("unpacked: " + name, c, (kernel, output) -> kernel.gemm(m, N, K, a, aOffset, lda, b,
                bOffset, ldb, (float[]) output, cOffset, ldc, false));
    }

    private static Misuse<BlockwiseInt4Kernel> matmul(String name, Supplier<Object> c, int m, float[] a, int aOffset,
                                                      int lda, int cOffset, int ldc) {
        return new Misuse<>(name, c, (kernel, output) -> kernel.matmul(m, N, K, a, aOffset, lda,
                kernel.pack(new byte[N * 8], new float[N], null, K, N, 16), (float[]) output, cOffset, ldc));
    }

    private static <K> Stream<DynamicNode> tests(List<Misuse<K>> cases, K kernel, K oracle) {
        return cases.stream().map(misuse -> dynamicTest(misuse.name(), () -> misuse.assertRefused(kernel, oracle)));
    }

    private static int[] filled(int[] values, int value) {
        Arrays.fill(values, value);
        return values;
    }

    private static byte[] filled(byte[] values, byte value) {
        Arrays.fill(values, value);
        return values;
    }

    private static float[] filled(float[] values, float value) {
        Arrays.fill(values, value);
        return values;
    }
}
