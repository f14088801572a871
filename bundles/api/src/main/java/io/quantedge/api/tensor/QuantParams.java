package io.quantedge.api.tensor;

import java.util.Arrays;

/**
 * How the integers of a quantized tensor map to real values: {@code real = (q - zeroPoint) * scale}.
 * Granularity follows ONNX: one pair for the whole tensor, one per slice along {@code axis}, or
 * one per block of {@code blockSize} consecutive elements along {@code axis} (blocks laid out in
 * row-major order of the tensor with that axis divided into blocks). Immutable.
 */
public final class QuantParams {

    public enum Granularity { PER_TENSOR, PER_AXIS, BLOCKED }

    private final Granularity granularity;
    private final int axis;
    private final int blockSize;
    private final float[] scales;
    private final int[] zeroPoints;

    private QuantParams(Granularity granularity, int axis, int blockSize, float[] scales, int[] zeroPoints) {
        if (scales.length == 0) {
            throw new IllegalArgumentException("at least one scale is needed");
        }
        if (scales.length != zeroPoints.length) {
            throw new IllegalArgumentException(
                    scales.length + " scales but " + zeroPoints.length + " zero points");
        }
        for (float s : scales) {
            if (!(s > 0f) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("scale must be positive and finite, was " + s);
            }
        }
        this.granularity = granularity;
        this.axis = axis;
        this.blockSize = blockSize;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
    }

    public static QuantParams perTensor(float scale, int zeroPoint) {
        return new QuantParams(Granularity.PER_TENSOR, 0, 0, new float[] {scale}, new int[] {zeroPoint});
    }

    /** One scale and zero point per index of {@code axis} (per output channel, say). */
    public static QuantParams perAxis(int axis, float[] scales, int[] zeroPoints) {
        return new QuantParams(Granularity.PER_AXIS, axis, 0, scales.clone(), zeroPoints.clone());
    }

    /** One scale and zero point per block of {@code blockSize} elements along {@code axis}. */
    public static QuantParams blocked(int axis, int blockSize, float[] scales, int[] zeroPoints) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, was " + blockSize);
        }
        return new QuantParams(Granularity.BLOCKED, axis, blockSize, scales.clone(), zeroPoints.clone());
    }

    public Granularity granularity() {
        return granularity;
    }

    /** The quantized axis; meaningless for {@link Granularity#PER_TENSOR}. */
    public int axis() {
        return axis;
    }

    /** Elements per block; 0 unless {@link Granularity#BLOCKED}. */
    public int blockSize() {
        return blockSize;
    }

    /** Number of (scale, zero point) pairs. */
    public int count() {
        return scales.length;
    }

    public float scale(int index) {
        return scales[index];
    }

    public int zeroPoint(int index) {
        return zeroPoints[index];
    }

    public float[] scales() {
        return scales.clone();
    }

    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QuantParams q
                && granularity == q.granularity
                && axis == q.axis
                && blockSize == q.blockSize
                && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * granularity.hashCode() + Arrays.hashCode(scales)) + Arrays.hashCode(zeroPoints);
    }

    @Override
    public String toString() {
        return switch (granularity) {
            case PER_TENSOR -> "per-tensor(scale=" + scales[0] + ", zp=" + zeroPoints[0] + ")";
            case PER_AXIS -> "per-axis(axis=" + axis + ", " + scales.length + " scales)";
            case BLOCKED -> "blocked(axis=" + axis + ", block=" + blockSize + ", " + scales.length + " scales)";
        };
    }
}
