package io.quantedge.conformance;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Tensor;

/**
 * How closely two tensors agree, by the rules the engine is held to against ONNX Runtime:
 * floats by the worst relative error, where an element's error is |ours - theirs| divided by
 * max(|theirs|, 1% of the largest |theirs|): float32 sums that cancel to near zero carry rounding
 * error of the size of their terms in any implementation (ONNX Runtime's own included), so such
 * elements are measured against the tensor's scale rather than their own; integers
 * by the fraction of equal elements and the largest difference. A float tensor that is the
 * dequantized form of an integer one (scale known) is compared in units of that scale.
 */
record Agreement(boolean integer, double worstRelativeError, double equalFraction, long maxDifference,
                 String where) {

    static Agreement of(Tensor ours, Tensor theirs, double quantizationScale) {
        if (!ours.shape().equals(theirs.shape()) || ours.type() != theirs.type()) {
            throw new AssertionError("shape or type differ: ours " + ours + ", theirs " + theirs);
        }
        int n = Math.toIntExact(ours.elementCount());
        if (ours.type() != DataType.FP32) {
            long[] a = ours.toLongArray();
            long[] b = theirs.toLongArray();
            int equal = 0;
            long max = 0;
            int worstAt = -1;
            for (int i = 0; i < n; i++) {
                long d = Math.abs(a[i] - b[i]);
                equal += d == 0 ? 1 : 0;
                if (d > max) {
                    max = d;
                    worstAt = i;
                }
            }
            return new Agreement(true, 0, n == 0 ? 1 : (double) equal / n, max,
                    worstAt < 0 ? "" : "element " + worstAt + ": ours " + a[worstAt] + ", theirs " + b[worstAt]);
        }
        float[] a = ours.toFloatArray();
        float[] b = theirs.toFloatArray();
        if (quantizationScale > 0) {
            int equal = 0;
            long max = 0;
            for (int i = 0; i < n; i++) {
                long d = Math.round(Math.abs(a[i] - b[i]) / quantizationScale);
                equal += d == 0 ? 1 : 0;
                max = Math.max(max, d);
            }
            return new Agreement(true, 0, n == 0 ? 1 : (double) equal / n, max, "in steps of " + quantizationScale);
        }
        double largest = 0;
        for (float v : b) {
            largest = Math.max(largest, Math.abs(v));
        }
        double floor = Math.max(1e-2 * largest, 1e-30);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(a[i]) && Float.isNaN(b[i]) || a[i] == b[i]) {
                continue;
            }
            double e = Math.abs((double) a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
            if (Double.isNaN(e) || e > worst) {
                worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                worstAt = i;
            }
        }
        return new Agreement(false, worst, 0, 0,
                worstAt < 0 ? "" : "element " + worstAt + ": ours " + a[worstAt] + ", theirs " + b[worstAt]);
    }

    /** The bar: floats within 1e-4 relative; integers 99.9% equal and never more than 1 apart. */
    boolean acceptable() {
        return integer ? equalFraction >= 0.999 && maxDifference <= 1 : worstRelativeError <= 1e-4;
    }

    @Override
    public String toString() {
        return integer ? String.format("%.4f%% equal, max difference %d (%s)", 100 * equalFraction, maxDifference, where)
                : String.format("worst relative error %.2e (%s)", worstRelativeError, where);
    }
}
