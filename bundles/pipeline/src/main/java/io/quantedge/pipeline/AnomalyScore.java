package io.quantedge.pipeline;

/**
 * The anomaly score of a numeric window. A model whose output has as many values as its input is
 * taken for an autoencoder: the score is the mean squared reconstruction error. Otherwise the
 * model computes the score itself, and it is the output's first value.
 */
final class AnomalyScore {

    private AnomalyScore() {
    }

    static double of(float[] input, int inputCount, float[] output, int outputCount) {
        if (outputCount == 0) {
            throw new IllegalArgumentException("the model returned no value to score");
        }
        if (outputCount != inputCount) {
            return output[0];
        }
        double sum = 0;
        for (int i = 0; i < inputCount; i++) {
            double d = (double) output[i] - input[i];
            sum += d * d;
        }
        return sum / inputCount;
    }
}
