package io.quantedge.quantize.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibrators against distributions whose answer is worked out by hand. */
class CalibratorsTest {

    /** 10,000 values 0.0001, 0.0002, ..., 1.0: the p-th percentile is p/100. */
    private static Histogram uniformGrid() {
        float[] values = new float[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i + 1) / 10_000f;
        }
        Histogram h = Histogram.covering(0, 1);
        h.add(values, 0, values.length);
        return h;
    }

    @Test
    void minMaxIsTheObservedRange() {
        Histogram h = Histogram.covering(-3, 5);
        h.add(new float[] {-3, 0.5f, 5, 1}, 0, 4);
        assertEquals(new ValueRange(-3, 5), new MinMaxCalibrator().range(h));
    }

    @Test
    void percentileOfAKnownHistogram() {
        Histogram h = uniformGrid();
        // Bins are 1/2048 wide: the interpolated quantile is within a bin of the exact one.
        double tolerance = h.binWidth();
        assertEquals(0.99, new PercentileCalibrator(99).range(h).high(), tolerance);
        assertEquals(0.9, new PercentileCalibrator(90).range(h).high(), tolerance);
        assertEquals(0.0001, new PercentileCalibrator(99).range(h).low(), 1e-9, "no negative values: the low end is the minimum");
    }

    @Test
    void percentileClipsBothEndsOfASignedDistribution() {
        // 1,000 values -0.999..0.999 plus one at -50 and one at 50: the 99.9th percentile excludes them.
        Histogram h = Histogram.covering(-50, 50);
        float[] values = new float[1001];
        for (int i = 0; i < 999; i++) {
            values[i] = (i - 499) / 500f;
        }
        values[999] = -50;
        values[1000] = 50;
        h.add(values, 0, values.length);
        ValueRange r = new PercentileCalibrator(99.9).range(h);
        assertTrue(r.high() < 1.1 && r.high() > 0.9, r.toString());
        assertTrue(r.low() > -1.1 && r.low() < -0.9, r.toString());
    }

    @Test
    void percentileRejectsMeaninglessValues() {
        assertThrows(IllegalArgumentException.class, () -> new PercentileCalibrator(40));
        assertThrows(IllegalArgumentException.class, () -> new PercentileCalibrator(100.5));
    }

    /**
     * N values uniform on [0, 1] and one outlier at 100. Clipping at t (> 1) costs
     * {@code N (t/255)^2 / 12 + (100 - t)^2}; its minimum is at {@code t = 200 / (N / (6 * 255^2) + 2)}:
     * 43.83 for N = 10^6. With few values (N = 1,000) it is at 99.87: hardly anything is worth clipping.
     */
    @Test
    void mseOptimumOfUniformPlusOutlier() {
        int n = 1_000_000;
        Histogram h = Histogram.covering(0, 100);
        float[] values = new float[n + 1];
        for (int i = 0; i < n; i++) {
            values[i] = (i + 0.5f) / n;
        }
        values[n] = 100;
        h.add(values, 0, values.length);
        double expected = 200 / (n / (6.0 * 255 * 255) + 2);
        assertEquals(43.83, expected, 0.01);
        // The outlier sits in the last bin, centred half a bin below 100; candidates are bin edges.
        assertEquals(expected, new MseCalibrator().threshold(h), 2 * h.binWidth());

        Histogram few = Histogram.covering(0, 100);
        few.add(values, n - 1000, n + 1);
        // With 1,000 values the same formula gives 99.87: the outlier is barely clipped.
        assertEquals(200 / (1000 / (6.0 * 255 * 255) + 2), new MseCalibrator().range(few).high(), 2 * few.binWidth());
    }

    @Test
    void entropyClipsAHeavyTailBelowTheMaximum() {
        // Laplace-distributed (scale 1) values: a long tail, max around ln(N) = 11.5.
        Random random = new Random(7);
        int n = 100_000;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() - 0.5;
            values[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        Histogram h = Histogram.covering(-12, 12);
        h.add(values, 0, n);
        double max = Math.max(-h.min(), h.max());
        double t = new EntropyCalibrator().threshold(h);
        assertTrue(t < 0.9 * max, "threshold " + t + " should clip the tail below max " + max);
        // ... but keeps the bulk: 99% of a Laplace(1) lies within ln(100) = 4.6.
        assertTrue(t > 4.6, "threshold " + t + " should keep the bulk");
    }

    @Test
    void entropyKeepsAnEvenDistributionWhole() {
        Histogram h = uniformGrid();
        assertEquals(1.0, new EntropyCalibrator().range(h).high(), 2 * h.binWidth());
    }

    @Test
    void entropyIgnoresExactZeros() {
        // A ReLU output: half exact zeros, the rest uniform on (0, 1]; the zeros must not pull the range in.
        Histogram h = Histogram.covering(0, 1);
        float[] values = new float[20_000];
        for (int i = 0; i < 10_000; i++) {
            values[10_000 + i] = (i + 1) / 10_000f;
        }
        h.add(values, 0, values.length);
        assertEquals(10_000, h.zeros());
        assertEquals(1.0, new EntropyCalibrator().range(h).high(), 2 * h.binWidth());
    }

    /**
     * A constant image background makes a conv output repeat the same few values at thousands of
     * positions: spikes on a smooth histogram. They must not decide the threshold; without
     * flattening they pulled a Fashion-MNIST ReLU's threshold from 5.3 down to 2.5.
     */
    @Test
    void entropyIsNotPulledInByPointMasses() {
        Random random = new Random(11);
        int n = 200_000;
        float[] smooth = new float[n];
        for (int i = 0; i < n; i++) {
            smooth[i] = (float) Math.abs(random.nextGaussian());
        }
        Histogram plain = Histogram.covering(0, 6);
        plain.add(smooth, 0, n);
        double expected = new EntropyCalibrator().threshold(plain);

        // The same values plus 40% more in 40 repeated values spread over the bulk.
        float[] spiked = new float[n + 80_000];
        System.arraycopy(smooth, 0, spiked, 0, n);
        for (int i = 0; i < 80_000; i++) {
            spiked[n + i] = 0.05f * (1 + i % 40);
        }
        Histogram h = Histogram.covering(0, 6);
        h.add(spiked, 0, spiked.length);
        double t = new EntropyCalibrator().threshold(h);
        assertEquals(expected, t, 0.1 * expected, "threshold with point masses vs without");
    }

    @Test
    void pointMassesAreCutToTheirNeighbourhoodButSparseTailsAreKept() {
        long[] counts = new long[64];
        for (int i = 0; i < 40; i++) {
            counts[i] = 100 + i % 3;
        }
        counts[20] = 5_000;
        counts[60] = 3; // a lone tail value among empty bins
        EntropyCalibrator.flattenPointMasses(counts);
        assertTrue(counts[20] >= 100 && counts[20] <= 102, "spike cut to its neighbours' median: " + counts[20]);
        assertEquals(101, counts[19], "ordinary bins untouched");
        assertEquals(3, counts[60], "a sparse tail is not a spike");
    }

    @Test
    void histogramMemoryDoesNotGrowWithTheData() {
        Histogram small = Histogram.covering(-1, 1);
        Histogram large = Histogram.covering(-1, 1);
        float[] batch = new float[1000];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (i % 200 - 100) / 100f;
        }
        small.add(batch, 0, batch.length);
        for (int i = 0; i < 1000; i++) {
            large.add(batch, 0, batch.length);
        }
        assertEquals(small.bins(), large.bins());
        assertEquals(1000L * small.total(), large.total());
        assertEquals(new MinMaxCalibrator().range(small), new MinMaxCalibrator().range(large));
        assertEquals(new PercentileCalibrator(99).range(small), new PercentileCalibrator(99).range(large));
    }

    @Test
    void calibratorsByName() {
        for (String name : Calibrators.NAMES) {
            assertEquals(name, Calibrators.named(name, 99.9).name());
        }
        assertThrows(IllegalArgumentException.class, () -> Calibrators.named("kmeans", 99.9));
    }
}
