package io.quantedge.engine.ops;

/**
 * The error function in float precision (absolute error below 2e-7, relative error below 1e-6).
 * Near zero a Taylor series keeps the relative error small where erf itself is tiny; elsewhere
 * the Abramowitz and Stegun rational form 7.1.26 (absolute error 1.5e-7), evaluated in double.
 */
final class Erf {

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double P = 0.3275911;
    private static final double A1 = 0.254829592;
    private static final double A2 = -0.284496736;
    private static final double A3 = 1.421413741;
    private static final double A4 = -1.453152027;
    private static final double A5 = 1.061405429;

    private Erf() {
    }

    static float erf(float value) {
        double x = value;
        double ax = Math.abs(x);
        if (ax < 0.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms shrink by x^2/n < 1/4n.
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n <= 9; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return (float) (TWO_OVER_SQRT_PI * sum);
        }
        if (ax >= 6) {
            return value > 0 ? 1f : -1f; // erfc(6) < 3e-17
        }
        if (Double.isNaN(x)) {
            return value;
        }
        double t = 1 / (1 + P * ax);
        double poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        double result = 1 - poly * Math.exp(-ax * ax);
        return (float) (x < 0 ? -result : result);
    }
}
