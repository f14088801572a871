package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.BYTES;
import static io.quantedge.backend.vector.KernelSpecies.FLOATS;
import static io.quantedge.backend.vector.KernelSpecies.INTS;
import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.BlockwiseInt4Kernel;
import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * MatMulNBits on 4-bit weights kept 4-bit in memory (see {@link Int4BlockMatrix} for the layout
 * packing builds). Per column and block: one byte vector gives {@link KernelSpecies#LANES} weights
 * of each half of the block ({@code q & 15} and {@code q >>> 4}, split after widening to int lanes),
 * the zero point is subtracted, the lanes are converted to float and multiplied into a float vector of the block's
 * partial dot products; that vector is scaled by the block's scale into the column's accumulator
 * with one FMA, and reduced across lanes once per column.
 *
 * <p>Summation order differs from the scalar reference, which adds {@code a * ((q - z) * scale)}
 * one p at a time: here each block's {@code a * (q - z)} are summed in lanes (lane l taking
 * positions l, l + LANES, ... of each half), scaled once per block, and the lanes added in order at
 * the end.
 * Every product {@code a * (q - z)} is exact in float up to one rounding as before, so the results
 * agree within ordinary float summation error of the sum of magnitudes.
 *
 * <p>Blocks too small to fill one byte vector per half (block size 16 with 16-lane AVX-512) take a
 * scalar loop over the same layout.
 */
final class VectorInt4Blockwise implements BlockwiseInt4Kernel {

    private static final int DEFAULT_ZERO_POINT = 8;
    /** Per thread: the current row of A padded to whole blocks, and the lanes of a column's sum. */
    private static final ThreadLocal<float[][]> WORKSPACE =
            ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[LANES]});

    @Override
    public PackedMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        KernelArguments.requireBlockwiseInt4(quantized, scales, zeroPoints, k, n, blockSize);
        int blocks = (k + blockSize - 1) / blockSize;
        int half = blockSize / 2;
        int zeroPointBytesPerColumn = (blocks + 1) / 2;
        byte[] nibbles = new byte[quantized.length + KernelSpecies.BYTE_OVERREAD];
        byte[] blockZeroPoints = new byte[n * blocks];
        for (int j = 0; j < n; j++) {
            for (int block = 0; block < blocks; block++) {
                int start = (j * blocks + block) * half;
                int valuesInBlock = Math.min(blockSize, k - block * blockSize);
                for (int t = 0; t < half; t++) {
                    int first = t < valuesInBlock ? nibble(quantized, start, t) : 0;
                    int second = t + half < valuesInBlock ? nibble(quantized, start, t + half) : 0;
                    nibbles[start + t] = (byte) (first | second << 4);
                }
                blockZeroPoints[j * blocks + block] = (byte) (zeroPoints == null ? DEFAULT_ZERO_POINT
                        : nibble(zeroPoints, j * zeroPointBytesPerColumn, block));
            }
        }
        return new Int4BlockMatrix(nibbles, scales.clone(), blockZeroPoints, k, n, blockSize);
    }

    @Override
    public void matmul(int m, int n, int k, float[] a, int aOffset, int lda, PackedMatrix w, float[] c, int cOffset,
                       int ldc) {
        if (!(w instanceof Int4BlockMatrix weights)) {
            throw KernelArguments.foreignPacking("W", w, Int4BlockMatrix.class.getSimpleName(), "vector");
        }
        KernelArguments.requireDimensions(m, n, k);
        KernelArguments.requireShape("W", weights.rows(), weights.columns(), k, n);
        KernelArguments.requireInside("A", a.length, aOffset, lda, m, k);
        KernelArguments.requireInside("C", c.length, cOffset, ldc, m, n);
        boolean vectors = weights.blockSize() / 2 >= LANES;
        float[] lanes = WORKSPACE.get()[1];
        for (int i = 0; i < m; i++) {
            // A copy of the row padded with zeros to whole blocks, so padding weights meet zeros, not whatever follows the row.
            float[] row = paddedRow(weights.paddedRows());
            System.arraycopy(a, aOffset + i * lda, row, 0, k);
            Arrays.fill(row, k, weights.paddedRows(), 0f);
            int cRow = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
                c[cRow + j] = vectors ? columnDot(row, weights, j, lanes) : columnDotScalar(row, weights, j);
            }
        }
    }

    private static float columnDot(float[] row, Int4BlockMatrix weights, int j, float[] lanes) {
        byte[] nibbles = weights.nibbles();
        float[] scales = weights.scales();
        byte[] zeroPoints = weights.zeroPoints();
        int blocks = weights.blocks();
        int half = weights.blockSize() / 2;
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < blocks; block++) {
            int index = j * blocks + block;
            int start = index * half;
            int firstValue = block * 2 * half;
            int zero = zeroPoints[index];
            FloatVector dot = FloatVector.zero(FLOATS);
            for (int t = 0; t < half; t += LANES) {
                // Nibbles are split in int lanes: x86 has no byte shift, so a byte-lane shift costs a widening anyway.
                IntVector packed = (IntVector) ByteVector.fromArray(BYTES, nibbles, start + t)
                        .convertShape(VectorOperators.B2I, INTS, 0);
                FloatVector low = (FloatVector) packed.and(0x0F).sub(zero).convert(VectorOperators.I2F, 0);
                FloatVector high = (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(zero)
                        .convert(VectorOperators.I2F, 0);
                dot = low.fma(FloatVector.fromArray(FLOATS, row, firstValue + t), dot);
                dot = high.fma(FloatVector.fromArray(FLOATS, row, firstValue + half + t), dot);
            }
            sum = dot.fma(FloatVector.broadcast(FLOATS, scales[index]), sum);
        }
        // Not reduceLanes: its order is unspecified and differs between interpreted and compiled code,
        // so the same call could give another float as the JIT warms up.
        sum.intoArray(lanes, 0);
        float total = 0f;
        for (int lane = 0; lane < LANES; lane++) {
            total += lanes[lane];
        }
        return total;
    }

    private static float columnDotScalar(float[] row, Int4BlockMatrix weights, int j) {
        byte[] nibbles = weights.nibbles();
        int blocks = weights.blocks();
        int half = weights.blockSize() / 2;
        float sum = 0f;
        for (int block = 0; block < blocks; block++) {
            int index = j * blocks + block;
            int start = index * half;
            int firstValue = block * 2 * half;
            int zero = weights.zeroPoints()[index];
            float scale = weights.scales()[index];
            for (int t = 0; t < half; t++) {
                int packed = nibbles[start + t];
                sum += row[firstValue + t] * ((packed & 0x0F) - zero) * scale;
                sum += row[firstValue + half + t] * (((packed >> 4) & 0x0F) - zero) * scale;
            }
        }
        return sum;
    }

    private static float[] paddedRow(int length) {
        float[][] holder = WORKSPACE.get();
        if (holder[0].length < length) {
            holder[0] = new float[length];
        }
        return holder[0];
    }

    /** The 4-bit value at {@code index} of the nibbles starting at {@code byteOffset}, low nibble first. */
    static int nibble(byte[] packed, int byteOffset, int index) {
        int twoValues = packed[byteOffset + (index >> 1)];
        return (index & 1) == 0 ? twoValues & 0x0F : (twoValues >> 4) & 0x0F;
    }
}
