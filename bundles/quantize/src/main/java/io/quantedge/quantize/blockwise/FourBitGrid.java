package io.quantedge.quantize.blockwise;

/**
 * The 16 values a 4-bit code stands for, relative to its block's scale: a weight {@code w} in a
 * block of scale {@code s} is stored as the code whose {@code level(code) * s} is nearest to it.
 */
public interface FourBitGrid {

    /** A short name for reports ({@code int4}, {@code nf4}). */
    String name();

    /** The scale of a block whose largest magnitude is {@code maxAbs}; never 0, so codes stay defined. */
    float scale(double maxAbs);

    /** The code (0..15) of the level nearest to {@code w / scale}. */
    int code(float w, float scale);

    /** The value of {@code code} before scaling. */
    float level(int code);

    /** {@code level(code(w, scale)) * scale}: what {@code w} becomes. */
    default float round(float w, float scale) {
        return level(code(w, scale)) * scale;
    }

    /** A scale for a block of zeros or of non-finite magnitude: 1, so the codes are those of 0. */
    static float usable(float scale) {
        return scale > 0 && Float.isFinite(scale) ? scale : 1f;
    }
}
