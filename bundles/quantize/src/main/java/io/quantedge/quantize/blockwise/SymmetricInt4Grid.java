package io.quantedge.quantize.blockwise;

/**
 * Uniform symmetric INT4 as MatMulNBits stores it without zero points: level {@code code - 8}, so
 * codes 0..15 mean -8..7 steps; the scale is {@code maxAbs / 7}, so both signs reach the block's
 * largest magnitude and -8 only catches what error compensation pushes past it. Rounding is half
 * to even, as ONNX's QuantizeLinear does.
 */
public final class SymmetricInt4Grid implements FourBitGrid {

    /** The zero point MatMulNBits assumes when a model gives none. */
    public static final int ZERO_POINT = 8;

    @Override
    public String name() {
        return "int4";
    }

    @Override
    public float scale(double maxAbs) {
        return FourBitGrid.usable((float) (maxAbs / 7));
    }

    @Override
    public int code(float w, float scale) {
        double q = Math.rint(w / scale);
        return (int) Math.max(-8, Math.min(7, q)) + ZERO_POINT;
    }

    @Override
    public float level(int code) {
        return code - ZERO_POINT;
    }
}
