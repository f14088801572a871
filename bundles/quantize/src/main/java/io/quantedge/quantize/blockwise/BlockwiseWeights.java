package io.quantedge.quantize.blockwise;

/**
 * A weight matrix {@code W[K][N]} (input k, output n: {@code y = x W}) in 4-bit blocks along K:
 * {@code codes[k * n + j]} is the code of {@code W[k][j]} (0..15), and {@code scales[b * n + j]}
 * the scale of rows {@code b * blockSize ..} of column j. The last block may be short
 * ({@code K % blockSize}); writers pad it.
 */
public record BlockwiseWeights(int k, int n, int blockSize, FourBitGrid grid, byte[] codes, float[] scales) {

    public BlockwiseWeights {
        if (codes.length != k * n || scales.length != blocks(k, blockSize) * n) {
            throw new IllegalArgumentException("codes " + codes.length + " and scales " + scales.length
                    + " do not fit K=" + k + ", N=" + n + ", block " + blockSize);
        }
    }

    /** {@code ceil(k / blockSize)}. */
    public static int blocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    public int blocks() {
        return blocks(k, blockSize);
    }

    /** The weights the codes stand for, {@code [K][N]}. */
    public float[] dequantized() {
        float[] w = new float[k * n];
        for (int row = 0; row < k; row++) {
            int block = row / blockSize;
            for (int j = 0; j < n; j++) {
                w[row * n + j] = grid.level(codes[row * n + j]) * scales[block * n + j];
            }
        }
        return w;
    }

    /**
     * MatMulNBits' B: {@code [N][blocks][blockSize / 2]} bytes, W transposed, two codes a byte with
     * the lower k in the low nibble; padding codes are the zero point, so they dequantize to 0.
     */
    public byte[] matMulNBitsCodes() {
        int blocks = blocks();
        int bytesPerBlock = blockSize / 2;
        byte[] packed = new byte[n * blocks * bytesPerBlock];
        for (int j = 0; j < n; j++) {
            for (int padded = 0; padded < blocks * blockSize; padded += 2) {
                int low = padded < k ? codes[padded * n + j] : SymmetricInt4Grid.ZERO_POINT;
                int high = padded + 1 < k ? codes[(padded + 1) * n + j] : SymmetricInt4Grid.ZERO_POINT;
                packed[j * blocks * bytesPerBlock + padded / 2] = (byte) (low | high << 4);
            }
        }
        return packed;
    }

    /** MatMulNBits' scales: {@code [N][blocks]}, row n block b at {@code n * blocks + b}. */
    public float[] matMulNBitsScales() {
        int blocks = blocks();
        float[] transposed = new float[n * blocks];
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < n; j++) {
                transposed[j * blocks + b] = scales[b * n + j];
            }
        }
        return transposed;
    }

    /**
     * The codes as {@code [blocks][blockSize][N]} values (unpacked, one per int), K padded to whole
     * blocks with {@code padding}: the layout whose blocks a {@code [blocks][1][N]} scale broadcasts over.
     */
    public int[] paddedCodes(int padding) {
        int rows = blocks() * blockSize;
        int[] out = new int[rows * n];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < n; j++) {
                out[row * n + j] = row < k ? codes[row * n + j] : padding;
            }
        }
        return out;
    }

    /** Bytes the weights take stored: codes at 4 bits (K padded to whole blocks) and float32 scales. */
    public long storedBytes() {
        return storedBytes(k, n, blockSize);
    }

    /** {@link #storedBytes()} of a {@code [K][N]} matrix in blocks of {@code blockSize}. */
    public static long storedBytes(int k, int n, int blockSize) {
        long blocks = blocks(k, blockSize);
        return n * blocks * blockSize / 2 + 4 * blocks * n;
    }
}
