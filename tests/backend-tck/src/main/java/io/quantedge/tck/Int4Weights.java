package io.quantedge.tck;

import java.util.Random;

/**
 * MatMulNBits weights as the engine hands them to {@code pack}: for each of N columns,
 * ceil(K / blockSize) blocks of blockSize / 2 bytes, low nibble first; one scale per column and
 * block; zero points null (all 8) or two per byte, each column's run padded to a whole byte. The
 * padding nibbles (after K in a column's last block, after the last zero point of a column) are
 * random: a backend must ignore them.
 */
record Int4Weights(byte[] quantized, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {

    static Int4Weights random(Random random, int k, int n, int blockSize, boolean withZeroPoints) {
        int blocks = blocks(k, blockSize);
        byte[] quantized = new byte[n * blocks * blockSize / 2];
        random.nextBytes(quantized);
        float[] scales = new float[n * blocks];
        for (int index = 0; index < scales.length; index++) {
            scales[index] = (random.nextFloat() * 0.1f + 0.001f) * (random.nextInt(8) == 0 ? -1 : 1);
        }
        byte[] zeroPoints = null;
        if (withZeroPoints) {
            zeroPoints = new byte[n * ((blocks + 1) / 2)];
            random.nextBytes(zeroPoints);
        }
        return new Int4Weights(quantized, scales, zeroPoints, k, n, blockSize);
    }

    static int blocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    /** W[j][p] = (q - zero) * scale in single precision. */
    float weight(int j, int p) {
        return level(j, p) * scale(j, p);
    }

    /** q - zero for W[j][p], every index spelled out from the layout. */
    int level(int j, int p) {
        int blocks = blocks(k, blockSize);
        int block = p / blockSize;
        int within = p % blockSize;
        int twoValues = quantized[j * blocks * (blockSize / 2) + block * (blockSize / 2) + within / 2] & 0xFF;
        int q = within % 2 == 0 ? twoValues % 16 : twoValues / 16;
        int zero = 8;
        if (zeroPoints != null) {
            int twoZeros = zeroPoints[j * ((blocks + 1) / 2) + block / 2] & 0xFF;
            zero = block % 2 == 0 ? twoZeros % 16 : twoZeros / 16;
        }
        return q - zero;
    }

    float scale(int j, int p) {
        return scales[j * blocks(k, blockSize) + p / blockSize];
    }

    @Override
    public String toString() {
        return "K=" + k + ", N=" + n + ", block " + blockSize + (zeroPoints == null ? ", no" : ", with") + " zero points";
    }
}
