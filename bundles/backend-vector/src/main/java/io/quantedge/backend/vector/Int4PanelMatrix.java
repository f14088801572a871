package io.quantedge.backend.vector;

import static io.quantedge.backend.vector.KernelSpecies.LANES;

import io.quantedge.api.kernel.KernelArguments;
import io.quantedge.api.kernel.PackedMatrix;

/**
 * 4-bit block-quantized weights cut into panels of {@link KernelSpecies#LANES} output columns for
 * {@link VectorInt4Int8Blockwise}, so that one int lane belongs to one column and a vector of them
 * advances that many columns together against broadcast activations.
 *
 * <p>K is padded with zeros to whole blocks and read in groups of {@link #GROUP} values. The int
 * for column {@code panel * LANES + l} and group g is {@code nibbles[(panel * groups() + g) * LANES + l]}.
 * Its low 16 bits hold the group's even K values and its high 16 bits the odd ones: nibble s (bits
 * 4s to 4s + 3) of the low half is the unsigned weight q at K index {@code 8g + 2s}, nibble s of the
 * high half the one at {@code 8g + 2s + 1}. Shifted right by 4s and masked with {@code 0x000F000F},
 * the int holds those two neighbours, one per half, to meet a pair of neighbouring activations
 * ({@link QuantizedRows}). A panel's groups follow each other, so a panel is read front to back.
 *
 * <p>Scales and zero points are per column and block at {@code (panel * blocks() + b) * LANES + l}:
 * a block's scales for the panel load as one float vector. Zero points are bytes 0 to 15, or null
 * when every one is the default 8. Columns past N have weights and scales 0.
 */
record Int4PanelMatrix(int[] nibbles, float[] scales, byte[] zeroPoints, int rows, int columns, int blockSize)
        implements PackedMatrix {

    /** K values per int: eight nibbles. */
    static final int GROUP = 8;
    static final int DEFAULT_ZERO_POINT = 8;

    /** Repacks MatMulNBits weights (the layout of {@link io.quantedge.api.kernel.BlockwiseInt4Kernel}). */
    static Int4PanelMatrix pack(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {
        KernelArguments.requireBlockwiseInt4(quantized, scales, zeroPoints, k, n, blockSize);
        int blocks = (k + blockSize - 1) / blockSize;
        int groups = blocks * blockSize / GROUP;
        int panels = (n + LANES - 1) / LANES;
        int[] nibbles = new int[Math.multiplyExact(panels * LANES, groups)];
        float[] panelScales = new float[Math.multiplyExact(panels * LANES, blocks)];
        // Zero points are read LANES at a time by a byte load that may be wider.
        byte[] panelZeroPoints =
                zeroPoints == null ? null : new byte[panelScales.length + KernelSpecies.BYTE_OVERREAD];
        int bytesPerBlock = blockSize / 2;
        int zeroPointBytesPerColumn = (blocks + 1) / 2;
        for (int j = 0; j < n; j++) {
            int panel = j / LANES;
            int lane = j % LANES;
            for (int block = 0; block < blocks; block++) {
                int source = (j * blocks + block) * bytesPerBlock;
                int first = block * blockSize;
                int values = Math.min(blockSize, k - first);
                for (int r = 0; r < values; r++) {
                    int p = first + r;
                    int q = VectorInt4Blockwise.nibble(quantized, source, r);
                    nibbles[(panel * groups + p / GROUP) * LANES + lane] |= q << nibbleShift(p % GROUP);
                }
                int target = (panel * blocks + block) * LANES + lane;
                panelScales[target] = scales[j * blocks + block];
                if (zeroPoints != null) {
                    panelZeroPoints[target] =
                            (byte) VectorInt4Blockwise.nibble(zeroPoints, j * zeroPointBytesPerColumn, block);
                }
            }
        }
        return new Int4PanelMatrix(nibbles, panelScales, panelZeroPoints, k, n, blockSize);
    }

    /** Where value t of a group sits in its int: even t in the low half, odd in the high, in order. */
    private static int nibbleShift(int t) {
        return 16 * (t & 1) + 4 * (t >> 1);
    }

    int blocks() {
        return (rows + blockSize - 1) / blockSize;
    }

    /** Groups of eight K values per column: K rounded up to whole blocks, over eight. */
    int groups() {
        return blocks() * blockSize / GROUP;
    }

    @Override
    public long bytes() {
        return (long) Integer.BYTES * nibbles.length + (long) Float.BYTES * scales.length
                + (zeroPoints == null ? 0 : zeroPoints.length);
    }
}
