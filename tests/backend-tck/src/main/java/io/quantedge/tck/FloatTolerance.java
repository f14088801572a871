package io.quantedge.tck;

/**
 * How far a single-precision result may be from the exact one: {@code 1e-5} of the sum of the
 * magnitudes of the terms that were added (the products, and C's old value when accumulating).
 *
 * <p>Why that and not 1e-5 of the result: rounding error in a sum grows with the size of the terms,
 * not of the total, so a result that cancels to near zero has no meaningful relative error at all,
 * and any two correct summation orders (sequential, blocked, vector lanes, FMA, pairwise) disagree
 * on it. Summing K terms in float is off by at most about {@code K * 2^-24} of the magnitude sum, and
 * in practice far less: the scalar backend's sequential 4-bit sums at K = 4096 stay within 1.5e-7 of
 * it, a blocked eight-lane FMA order within 3e-8. So 1e-5 admits every reasonable order with a wide
 * margin, while a real bug (a skipped or doubled term, a wrong nibble, scale or zero point, a padding
 * element read) moves the result by a whole term, around 1/K of the magnitude sum, far above it.
 */
final class FloatTolerance {

    static final double RELATIVE = 1e-5;

    private FloatTolerance() {
    }

    static double bound(double magnitudeSum) {
        return RELATIVE * magnitudeSum;
    }
}
