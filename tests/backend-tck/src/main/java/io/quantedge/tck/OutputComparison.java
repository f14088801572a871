package io.quantedge.tck;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a backend's output array with the expected one, whole arrays including the padding
 * around the matrix (which must come back untouched), and names the first element that differs.
 */
final class OutputComparison {

    private OutputComparison() {
    }

    static void assertSameInts(int[] expected, int[] actual, MatrixLayout layout, String context) {
        for (int index = 0; index < expected.length; index++) {
            if (expected[index] != actual[index]) {
                fail(context + ": C" + layout.describe(index) + " is " + actual[index] + ", the scalar backend gives "
                        + expected[index] + " (C " + layout + ")");
            }
        }
    }

    static void assertSameBytes(byte[] expected, byte[] actual, MatrixLayout layout, String context) {
        for (int index = 0; index < expected.length; index++) {
            if (expected[index] != actual[index]) {
                fail(context + ": out" + layout.describe(index) + " is " + actual[index] + ", the scalar backend gives "
                        + expected[index] + " (as int8; out " + layout + ")");
            }
        }
    }

    /**
     * Every element of the matrix within {@code bound} of {@code expected}, and every padding
     * element the same bits as before the call.
     */
    static void assertWithin(double[] expected, double[] bound, float[] before, float[] actual, MatrixLayout layout,
                             String against, String context) {
        for (int index = 0; index < actual.length; index++) {
            String where = layout.describe(index);
            boolean inside = where.startsWith("[");
            if (!inside) {
                if (Float.floatToRawIntBits(before[index]) != Float.floatToRawIntBits(actual[index])) {
                    fail(context + ": C" + where + " was written: " + before[index] + " became " + actual[index]);
                }
                continue;
            }
            double error = Math.abs(actual[index] - expected[index]);
            if (!(error <= bound[index])) {
                fail(context + ": C" + where + " is " + actual[index] + ", " + against + " gives " + expected[index]
                        + "; off by " + error + ", allowed " + bound[index] + " (C " + layout + ")");
            }
        }
    }
}
