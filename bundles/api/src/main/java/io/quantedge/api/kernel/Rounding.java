package io.quantedge.api.kernel;

/**
 * How a real value is rounded to an integer when requantizing. Each model format fixes its own:
 * ONNX rounds half to even, TFLite rounds half away from zero.
 */
public enum Rounding {
    HALF_TO_EVEN,
    HALF_AWAY_FROM_ZERO
}
