package io.quantedge.tck;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.FloatGemmKernel;
import io.quantedge.api.kernel.Int8DepthwiseConvKernel;
import io.quantedge.api.kernel.Int8GemmKernel;
import io.quantedge.api.kernel.PackedMatrix;
import io.quantedge.api.kernel.Rounding;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Each kernel called from several threads at once, as the engine does when requests overlap: one
 * packed weight matrix shared by all threads, each with its own activations and output. Every
 * thread must get the same bits as a call alone; float kernels included, so a kernel must be
 * deterministic for given inputs (the same request twice gives the same answer).
 */
final class ConcurrencyConformance {

    private final int threads;
    private final long seed;

    ConcurrencyConformance(int threads, long seed) {
        this.threads = threads;
        this.seed = seed;
    }

    void int8(Int8GemmKernel kernel, IntegerSignedness types) throws InterruptedException {
        Random random = new Random(seed ^ 8);
        int m = 5;
        int n = 67;
        int k = 131;
        Int8Matrix b = Int8Matrix.random(random, k, n, types.bSigned());
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), k, n, types.bSigned(),
                new int[] {IntegerSignedness.randomValue(random, types.bSigned())});
        float[] multipliers = new float[n];
        for (int j = 0; j < n; j++) {
            multipliers[j] = Math.scalb(random.nextFloat() + 0.5f, -12 - random.nextInt(4));
        }
        ConcurrentRuns.assertSameAsSequential(threads, thread -> {
            Random own = new Random(seed + thread);
            Int8Matrix a = Int8Matrix.random(own, m, k, types.aSigned());
            int aZero = IntegerSignedness.randomValue(own, types.aSigned());
            Rounding rounding = Rounding.values()[thread % 2];
            return () -> {
                int[] acc = new int[m * n];
                kernel.gemm(m, n, k, a.values(), a.offset(), a.ld(), a.signed(), aZero, packed, acc, 0, n);
                byte[] out = new byte[m * n];
                kernel.requantize(m, n, acc, 0, n, null, multipliers, thread, thread % 3 == 0, rounding, out, 0, n);
                return new Object[] {acc, out};
            };
        }, types + " product and requantization");
    }

    void depthwise(Int8DepthwiseConvKernel kernel, IntegerSignedness types) throws InterruptedException {
        Random random = new Random(seed ^ 3);
        DepthwiseShape shape = DepthwiseShape.of(24, 19, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        int[] wZeros = new int[shape.channels()];
        for (int c = 0; c < wZeros.length; c++) {
            wZeros[c] = IntegerSignedness.randomValue(random, types.bSigned());
        }
        DepthwiseOperands filters = DepthwiseOperands.random(random, shape, types, 0, wZeros);
        PackedMatrix packed = filters.pack(kernel);
        float[] multipliers = new float[shape.channels()];
        for (int c = 0; c < multipliers.length; c++) {
            multipliers[c] = Math.scalb(random.nextFloat() + 0.5f, -8 - random.nextInt(4));
        }
        ConcurrentRuns.assertSameAsSequential(threads, thread -> {
            Random own = new Random(seed + thread);
            // Every other thread on a stride-2 window: threads with different geometry at once.
            DepthwiseShape mine = thread % 2 == 0 ? shape
                    : DepthwiseShape.of(shape.channels(), 33, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
            DepthwiseOperands operands = filters.withImage(own, mine, IntegerSignedness.randomValue(own,
                    types.aSigned()));
            Rounding rounding = Rounding.values()[thread % 2];
            return () -> {
                Int8Matrix x = operands.x();
                int[] sums = new int[mine.outputLength()];
                kernel.convolve(mine.channels(), mine.window(), x.values(), x.offset(), x.signed(), operands.xZero(),
                        packed, sums, 0);
                byte[] out = new byte[mine.outputLength()];
                kernel.convolveRequantized(mine.channels(), mine.window(), x.values(), x.offset(), x.signed(),
                        operands.xZero(), packed, null, multipliers, thread % 100, thread % 3 == 0, rounding, out, 0);
                return new Object[] {sums, out};
            };
        }, DepthwiseConvConformance.describe(types) + " convolutions, sums and requantized");
    }

    void floats(FloatGemmKernel kernel) throws InterruptedException {
        Random random = new Random(seed ^ 32);
        int m = 5;
        int n = 67;
        int k = 131;
        FloatMatrix b = FloatMatrix.random(random, k, n, 0);
        PackedMatrix packed = kernel.pack(b.values(), b.offset(), b.ld(), k, n);
        ConcurrentRuns.assertSameAsSequential(threads, thread -> {
            FloatMatrix a = FloatMatrix.random(new Random(seed + thread), m, k, 0);
            Supplier<Object> product = () -> {
                float[] packedProduct = new float[m * n];
                kernel.gemm(m, n, k, a.values(), a.offset(), a.ld(), packed, packedProduct, 0, n, false);
                float[] plainProduct = new float[m * n];
                kernel.gemm(m, n, k, a.values(), a.offset(), a.ld(), b.values(), b.offset(), b.ld(), plainProduct, 0, n,
                        false);
                return new Object[] {packedProduct, plainProduct};
            };
            return product;
        }, "float products, packed and unpacked B");
    }

    void int4(BlockwiseInt4Kernel kernel) throws InterruptedException {
        Random random = new Random(seed ^ 4);
        int m = 3;
        Int4Weights weights = Int4Weights.random(random, 200, 45, 32, true);
        PackedMatrix packed = kernel.pack(weights.quantized(), weights.scales(), weights.zeroPoints(), weights.k(),
                weights.n(), weights.blockSize());
        ConcurrentRuns.assertSameAsSequential(threads, thread -> {
            FloatMatrix a = FloatMatrix.random(new Random(seed + thread), m, weights.k(), 0);
            Supplier<Object> product = () -> {
                float[] c = new float[m * weights.n()];
                kernel.matmul(m, weights.n(), weights.k(), a.values(), a.offset(), a.ld(), packed, c, 0, weights.n());
                return c;
            };
            return product;
        }, "4-bit blockwise products");
    }
}
