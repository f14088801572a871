package io.quantedge.quantize.eval;

/** The arithmetic of comparing classifier outputs, rows of {@code classes} scores. */
public final class Comparison {

    private Comparison() {
    }

    /** Index of the highest score of each row (the first on ties). */
    public static int[] top1(float[] scores, int classes) {
        int[] best = new int[scores.length / classes];
        for (int r = 0; r < best.length; r++) {
            int offset = r * classes;
            int arg = 0;
            for (int c = 1; c < classes; c++) {
                if (scores[offset + c] > scores[offset + arg]) {
                    arg = c;
                }
            }
            best[r] = arg;
        }
        return best;
    }

    /** Fraction of rows where {@code a} and {@code b} agree. */
    public static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return (double) same / a.length;
    }

    /** Fraction of predictions equal to the labels. */
    public static double accuracy(int[] predicted, long[] labels) {
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                right++;
            }
        }
        return (double) right / predicted.length;
    }

    /** Signal-to-noise ratio of {@code y} against {@code reference}, in dB; infinite when equal. */
    public static double snrDb(float[] reference, float[] y) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = y[i] - reference[i];
            signal += (double) reference[i] * reference[i];
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}
